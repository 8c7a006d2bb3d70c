/*
** refuse_threads.c - LD_PRELOAD'ed by tests/cli/test_parallel.py: the
** system refuses every thread, as under a container's process limit.
*/
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  (void)th, (void)attr, (void)fn, (void)arg;
  return EAGAIN;
}
