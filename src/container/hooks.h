/* Hooks across the lifecycle commands: create runs prestart/createRuntime
 * (runtime side, from spawn) and init runs createContainer/startContainer;
 * start and delete are later processes, so what they run is recorded in
 * the state dir at create ("Any updates to config.json after this step
 * MUST NOT affect the container"). */
#ifndef HULL_CONTAINER_HOOKS_H
#define HULL_CONTAINER_HOOKS_H

#include <stdbool.h>
#include <hull/container.h>
#include <hull/spec.h>
#include "process/hooks.h"

/* In the state dir: the poststart and poststop hooks, as {"hooks": {...}}. */
#define HULL_HOOKS_FILE "hooks.json"
/* In the state dir, when there are startContainer or poststart hooks or
 * no process (process/init.h): init holds it open until execve, writing its
 * error there if it fails first, so start learns whether the program
 * started. */
#define HULL_START_FIFO "start.fifo"

/* create, before spawning init: records what start and delete will need.
 * *init_fd receives the start fifo's fd for init (O_RDWR), or -1. */
int hull_hooks_prepare (int dirfd, const hull_spec *spec, int *init_fd, hull_error *err);

typedef enum {
  HULL_START_HELD,     /* init was not released: a failure changed nothing */
  HULL_START_RELEASED, /* init may have run anything: a failure leaves a
                        * container to destroy ("stop the container, and
                        * continue the lifecycle at step 12") */
  HULL_START_NOTHING,  /* no process: init ran nothing and is exiting, the
                        * container stays, stopped */
} hull_start_outcome;

/* start and run, for a created container: releases init (hull_release_init),
 * then, if create prepared it, waits until init has run the startContainer
 * hooks and exec'd the program, then runs poststart. *outcome (may be NULL)
 * says what a failure left. */
int hull_start_released (int dirfd, const char *id, hull_start_outcome *outcome,
                         hull_error *err);

/* delete: the hooks recorded at create (all empty when none were). */
int hull_hooks_load (int dirfd, hull_hooks *out, hull_error *err);

/* poststop with st as a stopped container; failures are warnings. */
void hull_hooks_poststop (const hull_hooks *hooks, const hull_state *st);

#endif
