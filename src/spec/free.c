/* Freeing a spec. Everything tolerates the half-filled structs a failed
 * parse leaves behind: NULL pointers, and arrays whose tail is zeroed. */
#include "config.h"
#include "spec/parse.h"
#include <stdlib.h>

void
spec_strv_clear (hull_strv *v)
{
  if (v->v != NULL)
    for (size_t i = 0; i < v->n; i++)
      free (v->v[i]);
  free (v->v);
  v->v = NULL;
  v->n = 0;
}

void
spec_kvmap_clear (hull_kvmap *m)
{
  if (m->items != NULL)
    for (size_t i = 0; i < m->n; i++)
      {
        free (m->items[i].key);
        free (m->items[i].value);
      }
  free (m->items);
  m->items = NULL;
  m->n = 0;
}

void
spec_process_clear (hull_process *p)
{
  free (p->user.additional_gids);
  free (p->user.username);
  spec_strv_clear (&p->args);
  free (p->command_line);
  spec_strv_clear (&p->env);
  free (p->cwd);
  if (p->capabilities != NULL)
    {
      spec_strv_clear (&p->capabilities->bounding);
      spec_strv_clear (&p->capabilities->effective);
      spec_strv_clear (&p->capabilities->inheritable);
      spec_strv_clear (&p->capabilities->permitted);
      spec_strv_clear (&p->capabilities->ambient);
      free (p->capabilities);
    }
  if (p->rlimits != NULL)
    for (size_t i = 0; i < p->n_rlimits; i++)
      free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  if (p->scheduler != NULL)
    {
      free (p->scheduler->policy);
      spec_strv_clear (&p->scheduler->flags);
      free (p->scheduler);
    }
  free (p->selinux_label);
  if (p->io_priority != NULL)
    free (p->io_priority->class_);
  free (p->io_priority);
  if (p->exec_cpu_affinity != NULL)
    {
      free (p->exec_cpu_affinity->initial);
      free (p->exec_cpu_affinity->final);
      free (p->exec_cpu_affinity);
    }
}

static void
throttle_clear (hull_blkio_throttle_list *t)
{
  free (t->items);
  t->items = NULL;
  t->n = 0;
}

void
spec_resources_clear (hull_resources *r)
{
  if (r->devices != NULL)
    for (size_t i = 0; i < r->n_devices; i++)
      {
        free (r->devices[i].type);
        free (r->devices[i].access);
      }
  free (r->devices);
  free (r->memory);
  if (r->cpu != NULL)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  if (r->block_io != NULL)
    {
      free (r->block_io->weight_device);
      throttle_clear (&r->block_io->throttle_read_bps);
      throttle_clear (&r->block_io->throttle_write_bps);
      throttle_clear (&r->block_io->throttle_read_iops);
      throttle_clear (&r->block_io->throttle_write_iops);
      free (r->block_io);
    }
  if (r->hugepage_limits != NULL)
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
      free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  if (r->network != NULL)
    {
      if (r->network->priorities != NULL)
        for (size_t i = 0; i < r->network->n_priorities; i++)
          free (r->network->priorities[i].name);
      free (r->network->priorities);
      free (r->network);
    }
  if (r->rdma != NULL)
    for (size_t i = 0; i < r->n_rdma; i++)
      free (r->rdma[i].device);
  free (r->rdma);
  spec_kvmap_clear (&r->unified);
}

void
hull_process_free (hull_process *proc)
{
  if (proc == NULL)
    return;
  spec_process_clear (proc);
  free (proc);
}

void
hull_resources_free (hull_resources *res)
{
  if (res == NULL)
    return;
  spec_resources_clear (res);
  free (res);
}

void
spec_seccomp_clear (hull_seccomp *s)
{
  free (s->default_action);
  spec_strv_clear (&s->architectures);
  spec_strv_clear (&s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  if (s->syscalls != NULL)
    for (size_t i = 0; i < s->n_syscalls; i++)
      {
        hull_seccomp_syscall *sc = &s->syscalls[i];
        spec_strv_clear (&sc->names);
        free (sc->action);
        if (sc->args != NULL)
          for (size_t j = 0; j < sc->n_args; j++)
            free (sc->args[j].op);
        free (sc->args);
      }
  free (s->syscalls);
}

void
spec_linux_clear (hull_linux *l)
{
  if (l->namespaces != NULL)
    for (size_t i = 0; i < l->n_namespaces; i++)
      free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  if (l->devices != NULL)
    for (size_t i = 0; i < l->n_devices; i++)
      free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  hull_resources_free (l->resources);
  free (l->rootfs_propagation);
  if (l->seccomp != NULL)
    {
      spec_seccomp_clear (l->seccomp);
      free (l->seccomp);
    }
  spec_kvmap_clear (&l->sysctl);
  spec_strv_clear (&l->masked_paths);
  spec_strv_clear (&l->readonly_paths);
  free (l->mount_label);
  if (l->personality != NULL)
    {
      free (l->personality->domain);
      spec_strv_clear (&l->personality->flags);
      free (l->personality);
    }
  if (l->memory_policy != NULL)
    {
      free (l->memory_policy->mode);
      free (l->memory_policy->nodes);
      spec_strv_clear (&l->memory_policy->flags);
      free (l->memory_policy);
    }
  if (l->net_devices != NULL)
    for (size_t i = 0; i < l->n_net_devices; i++)
      {
        free (l->net_devices[i].name);
        free (l->net_devices[i].new_name);
      }
  free (l->net_devices);
  free (l->intel_rdt_clos_id);
}

static void
hook_list_clear (hull_hook_list *h)
{
  if (h->items != NULL)
    for (size_t i = 0; i < h->n; i++)
      {
        free (h->items[i].path);
        spec_strv_clear (&h->items[i].args);
        spec_strv_clear (&h->items[i].env);
      }
  free (h->items);
  h->items = NULL;
  h->n = 0;
}

void
hull_hooks_clear (hull_hooks *h)
{
  hook_list_clear (&h->prestart);
  hook_list_clear (&h->create_runtime);
  hook_list_clear (&h->create_container);
  hook_list_clear (&h->start_container);
  hook_list_clear (&h->poststart);
  hook_list_clear (&h->poststop);
}

void
hull_spec_free (hull_spec *spec)
{
  if (spec == NULL)
    return;
  free (spec->oci_version);
  if (spec->process != NULL)
    {
      spec_process_clear (spec->process);
      free (spec->process);
    }
  free (spec->root.path);
  free (spec->hostname);
  free (spec->domainname);
  if (spec->mounts != NULL)
    for (size_t i = 0; i < spec->n_mounts; i++)
      {
        hull_mount *m = &spec->mounts[i];
        free (m->destination);
        free (m->source);
        free (m->type);
        spec_strv_clear (&m->options);
        free (m->uid_mappings);
        free (m->gid_mappings);
      }
  free (spec->mounts);
  hull_hooks_clear (&spec->hooks);
  spec_kvmap_clear (&spec->annotations);
  if (spec->linux_ != NULL)
    {
      spec_linux_clear (spec->linux_);
      free (spec->linux_);
    }
  free (spec);
}
