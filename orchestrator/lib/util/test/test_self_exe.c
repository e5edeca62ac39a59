/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This program's path after an upgrade (self_exe.h): a copy of this test
 * is started, its file replaced by a new one while it runs (as a package
 * upgrade does), and the copy still names the path, not "... (deleted)";
 * the link text's cases one by one. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/self_exe.h"
#include "test/tmpdir.h"

/* Copies this test's binary to path (a new file: a new inode). */
static void copy_self(const char *path)
{
	int in = open("/proc/self/exe", O_RDONLY), out;
	char buf[65536];
	ssize_t n;

	unlink(path);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof buf)) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	assert_int_equal(close(out), 0);
}

static void a_replaced_binary_is_found_at_its_path(void **state)
{
	char *dir = tmpdir_create(), *bin, out[4200] = "";
	int go[2], back[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_true(asprintf(&bin, "%s/scalable", dir) > 0);
	copy_self(bin);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(back), 0);
	if ((pid = fork()) == 0) {
		dup2(go[0], 0);
		dup2(back[1], 1);
		execl(bin, bin, "--print-self", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(back[1]);
	/* only once the copy runs: replaced before its exec, it would run the
	 * new file (or fail with ETXTBSY while it is written) */
	assert_int_equal(read(back[0], out, 1), 1);
	assert_int_equal(out[0], 'r');
	copy_self(bin);                       /* the upgrade, while it runs */
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	n = read(back[0], out, sizeof out - 1);
	assert_true(n > 0);
	out[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(out, bin);
	close(back[0]);
	free(bin);
	tmpdir_remove(dir);
}

static void the_link_text_case_by_case(void **state)
{
	char *dir = tmpdir_create(), link[4200], why[600], *path;

	(void)state;
	path = self_exe_from_link("/usr/bin/scalable", why, sizeof why);
	assert_string_equal(path, "/usr/bin/scalable");   /* as it is */
	free(path);
	snprintf(link, sizeof link, "%s/gone (deleted)", dir);
	assert_null(self_exe_from_link(link, why, sizeof why));   /* uninstalled */
	assert_non_null(strstr(why, "has been removed"));
	tmpdir_write(dir, "plain", "");                   /* there, not runnable */
	snprintf(link, sizeof link, "%s/plain (deleted)", dir);
	assert_null(self_exe_from_link(link, why, sizeof why));
	assert_null(self_exe_from_link("relative (deleted)", why, sizeof why));
	assert_non_null(strstr(why, "/proc/self/exe"));
	tmpdir_remove(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_replaced_binary_is_found_at_its_path),
		cmocka_unit_test(the_link_text_case_by_case),
	};

	if (argc == 2 && !strcmp(argv[1], "--print-self")) {   /* the copy */
		char why[600], c, *path;

		if (write(1, "r", 1) != 1 || read(0, &c, 1) != 1 ||   /* running; go? */
		    !(path = self_exe_path(why, sizeof why)))
			return 1;
		fputs(path, stdout);
		free(path);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
