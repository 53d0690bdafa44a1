// Counts heap allocations of a whole process: LD_PRELOAD this library and the total number
// of malloc, calloc and realloc calls is written to standard error at exit. Used by
// bench/allocations.py to show that a training step allocates nothing.
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static atomic_long allocations;

void *malloc(size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_realloc(pointer, size); }

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "malloc_count: %ld allocations\n", atomic_load(&allocations));
}
