/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which option files a connection reads (defaults.h), the SHARED rule
 * (optfile.h) and what --print-defaults prints, in a temporary directory.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defaults.h"
#include "exitcode.h"
#include "log.h"
#include "unit.h"

static char dir[] = "/tmp/test_defaults.XXXXXX";

/* dir/name with text and mode; its path into path. */
static void put(const char *name, const char *text, mode_t mode, char *path,
                size_t len)
{
    FILE *f;

    snprintf(path, len, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

/* The last file of l, or "". */
static const char *last(const struct mmha_defaults *l, size_t from_end)
{
    return l->n > from_end ? l->f[l->n - 1 - from_end].path : "";
}

static void test_list(void)
{
    struct mmha_conn_opts o = {0};
    struct mmha_defaults l;
    char home[300];
    char mh[300];
    char extra[300];
    char want[400];
    char err[256];

    snprintf(home, sizeof(home), "%s/home", dir);
    snprintf(mh, sizeof(mh), "%s/mh", dir);
    mkdir(home, 0700);
    mkdir(mh, 0700);
    put("home/.my.cnf", "[client]\n", 0600, want, sizeof(want));
    put("mh/my.cnf", "[client]\n", 0644, want, sizeof(want));
    put("extra.cnf", "[client]\n", 0644, extra, sizeof(extra));
    setenv("HOME", home, 1);
    unsetenv("MARIADB_HOME");
    setenv("MYSQL_HOME", mh, 1);

    CHECK(mmha_defaults_list(&o, &l, err, sizeof(err)) == 0, "list");
    snprintf(want, sizeof(want), "%s/.my.cnf", home);
    CHECK_STR(last(&l, 0), want, "~/.my.cnf last");
    snprintf(want, sizeof(want), "%s/my.cnf", mh);
    CHECK_STR(last(&l, 1), want, "$MYSQL_HOME/my.cnf before it");
    CHECK(l.f[l.n - 1].rule == MMHA_OPTFILE_SHARED, "default files: SHARED");

    o.extra_file = extra;
    mmha_defaults_list(&o, &l, err, sizeof(err));
    CHECK_STR(last(&l, 1), extra, "--defaults-extra-file before ~/.my.cnf");
    CHECK_STR(l.f[l.n - 2].option, "--defaults-extra-file", "named so");

    setenv("MARIADB_HOME", home, 1);
    o.extra_file = NULL;
    mmha_defaults_list(&o, &l, err, sizeof(err));
    snprintf(want, sizeof(want), "%s/my.cnf", mh);
    CHECK(strcmp(last(&l, 1), want) != 0,
          "MARIADB_HOME set: MYSQL_HOME not read");
    unsetenv("MARIADB_HOME");

    o.no_defaults = true;
    CHECK(mmha_defaults_list(&o, &l, err, sizeof(err)) == 0 && l.n == 0,
          "--no-defaults: no file");
    o.no_defaults = false;

    o.defaults_file = extra;
    mmha_defaults_list(&o, &l, err, sizeof(err));
    CHECK(l.n == 1 && strcmp(l.f[0].path, extra) == 0 &&
              l.f[0].rule == MMHA_OPTFILE_PRIVATE,
          "--defaults-file: that file alone, PRIVATE");
    o.defaults_file = NULL;

    o.extra_file = "/tmp/e.cnf ";
    CHECK(mmha_defaults_list(&o, &l, err, sizeof(err)) == MMHA_EXIT_CONFIG,
          "a path the library would read as another (a blank at the end): "
          "refused");
    o.extra_file = NULL;
}

static void test_rules(void)
{
    char path[300];
    char err[512];

    CHECK(mmha_optfile_secret("password", "x"), "password is a secret");
    CHECK(mmha_optfile_secret("ssl-passphrase", "x"), "a passphrase too");
    CHECK(!mmha_optfile_secret("password", ""), "an empty one is not");
    CHECK(!mmha_optfile_secret("password", NULL), "nor a bare key");
    CHECK(!mmha_optfile_secret("user", "x"), "user is not");

    put("open.cnf", "[client]\nhost=h\n", 0644, path, sizeof(path));
    CHECK(mmha_optfile_read_rule("option file", path, NULL, MMHA_OPTFILE_SHARED,
                                 NULL, NULL, err, sizeof(err)) == 0,
          "SHARED: readable by all without a password");
    CHECK(mmha_optfile_read("--defaults-file", path, NULL, NULL, NULL, err,
                            sizeof(err)) == MMHA_EXIT_NOPERM,
          "PRIVATE: not even without one");
    put("open.cnf", "[mysqld]\npassword=x\n[client]\nhost=h\n", 0644, path,
        sizeof(path));
    CHECK(mmha_optfile_read_rule("option file", path, NULL, MMHA_OPTFILE_SHARED,
                                 NULL, NULL, err, sizeof(err)) == 0,
          "SHARED: a password in a group not read does not count");
    put("open.cnf", "[client]\npassword=x\n", 0644, path, sizeof(path));
    CHECK(mmha_optfile_read_rule("option file", path, NULL, MMHA_OPTFILE_SHARED,
                                 NULL, NULL, err,
                                 sizeof(err)) == MMHA_EXIT_NOPERM,
          "SHARED: a password readable by all refused");
    put("open.cnf", "[client]\nhost=h\n", 0620, path, sizeof(path));
    CHECK(mmha_optfile_read_rule("option file", path, NULL, MMHA_OPTFILE_SHARED,
                                 NULL, NULL, err,
                                 sizeof(err)) == MMHA_EXIT_NOPERM,
          "SHARED: writable by the group refused");
}

static void test_print(void)
{
    struct mmha_conn_opts o = {0};
    char path[300];
    char err[256];
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);

    put("p.cnf", "[client]\nuser=u\npassword=TopSecret\nssl\n", 0600, path,
        sizeof(path));
    o.defaults_file = path;
    o.port = 5;
    CHECK(mmha_defaults_print(m, "t", &o, err, sizeof(err)) == 0, "print");
    fclose(m);
    CHECK_STR(text,
              "t would have been started with the following arguments:\n"
              "--user=u --password=***** --ssl --port=5\n",
              "options in order, the password masked, the command line's");
    free(text);
}

int main(void)
{
    char cmd[64];

    mmha_log_init("test_defaults", 0, false);
    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    test_list();
    test_rules();
    test_print();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        printf("# could not remove %s\n", dir);
    }
    return unit_done();
}
