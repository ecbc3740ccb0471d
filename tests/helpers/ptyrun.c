/* Runs a command on a fresh pty, as a user's terminal would (for the tests
 * of `hull run` with process.terminal).
 *
 *   ptyrun [-w RxC] [-m MARK] [-i INPUT] [-W RxC] [-t TERMIOS] -- CMD ARG...
 *
 * The command gets the pty's slave as stdin, stdout, stderr and controlling
 * terminal (its own session); -w sets the terminal's size first. Everything
 * the command writes is copied to our stdout. Once MARK has appeared in that
 * output (at once without -m): the terminal is resized to -W (the command
 * gets SIGWINCH), then INPUT ("\n" and octal "\ooo" escapes) is typed. After the
 * command exits, TERMIOS receives "restored" when the terminal's settings
 * are those from before the command ran, else "changed". Exits with the
 * command's exit status (128+N for signal N). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "unescape.h"

static void
die (const char *what)
{
  perror (what);
  exit (125);
}

static void
set_size (int fd, const char *rc)
{
  struct winsize ws = { 0 };
  if (sscanf (rc, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2)
    {
      fprintf (stderr, "bad size %s\n", rc);
      exit (125);
    }
  if (ioctl (fd, TIOCSWINSZ, &ws) < 0)
    die ("TIOCSWINSZ");
}

int
main (int argc, char **argv)
{
  const char *size = NULL, *mark = NULL, *input = NULL, *resize = NULL, *tfile = NULL;
  int c;
  while ((c = getopt (argc, argv, "+w:m:i:W:t:")) != -1)
    switch (c)
      {
      case 'w': size = optarg; break;
      case 'm': mark = optarg; break;
      case 'i': input = optarg; break;
      case 'W': resize = optarg; break;
      case 't': tfile = optarg; break;
      default: return 125;
      }
  if (optind >= argc)
    return 125;

  int m = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 || grantpt (m) < 0 || unlockpt (m) < 0)
    die ("posix_openpt");
  if (size)
    set_size (m, size);
  struct termios before;
  if (tcgetattr (m, &before) < 0)
    die ("tcgetattr");

  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      setsid ();
      int s = open (ptsname (m), O_RDWR); /* session leader: our controlling tty */
      if (s < 0)
        die ("open slave");
      dup2 (s, 0);
      dup2 (s, 1);
      dup2 (s, 2);
      if (s > 2)
        close (s);
      execvp (argv[optind], argv + optind);
      die (argv[optind]);
    }

  /* Keep a slave open ourselves: the master then never reports EIO
     between the command's exit and our last read. */
  int keep = open (ptsname (m), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (keep < 0)
    die ("open slave");

  char seen[8192] = "";
  size_t seen_len = 0;
  bool typed = mark == NULL;
  if (typed)
    {
      if (resize)
        set_size (m, resize);
      if (input)
        {
          char *in = unescape (input);
          if (in == NULL)
            die ("malloc");
          if (write (m, in, strlen (in)) < 0)
            die ("write");
          free (in);
        }
    }
  /* Non-blocking: after the exit, a read (which flushes the line
     discipline first) until EAGAIN gets everything the command wrote. */
  fcntl (m, F_SETFL, fcntl (m, F_GETFL) | O_NONBLOCK);
  int status = 0;
  bool exited = false;
  for (;;)
    {
      if (!exited && waitpid (pid, &status, WNOHANG) == pid)
        exited = true;
      if (!exited)
        {
          struct pollfd p = { .fd = m, .events = POLLIN };
          if (poll (&p, 1, 100) <= 0)
            continue;
        }
      char buf[4096];
      ssize_t n = read (m, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (exited)
            break;
          continue;
        }
      fwrite (buf, 1, (size_t) n, stdout);
      fflush (stdout);
      if (!typed)
        {
          size_t room = sizeof seen - 1 - seen_len;
          size_t k = (size_t) n < room ? (size_t) n : room;
          memcpy (seen + seen_len, buf, k);
          seen_len += k;
          seen[seen_len] = '\0';
          if (memmem (seen, seen_len, mark, strlen (mark)))
            {
              typed = true;
              if (resize)
                set_size (m, resize);
              if (input)
                {
                  char *in = unescape (input);
                  if (in == NULL)
                    die ("malloc");
                  if (write (m, in, strlen (in)) < 0)
                    die ("write");
                  free (in);
                }
            }
        }
    }
  if (tfile)
    {
      struct termios after;
      if (tcgetattr (m, &after) < 0)
        die ("tcgetattr");
      bool same = before.c_iflag == after.c_iflag && before.c_oflag == after.c_oflag
                  && before.c_cflag == after.c_cflag && before.c_lflag == after.c_lflag
                  && memcmp (before.c_cc, after.c_cc, sizeof before.c_cc) == 0;
      FILE *f = fopen (tfile, "w");
      if (!f)
        die (tfile);
      fprintf (f, "%s\n", same ? "restored" : "changed");
      fclose (f);
    }
  close (keep);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
