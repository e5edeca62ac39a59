# SPDX-License-Identifier: GPL-2.0-or-later
# SCALABLE_SLURM_PLUGINDIR: sets slurmplugindir, where `make install` puts
# spank_scalable.so, and says which directory and why. Slurm loads a plugin
# from the absolute path plugstack.conf names, so any directory works; by
# default it is the installed Slurm's own, where admins look for plugins.
AC_DEFUN([SCALABLE_SLURM_PLUGINDIR], [
AC_ARG_WITH([slurm-plugindir],
  [AS_HELP_STRING([--with-slurm-plugindir=DIR],
    [install spank_scalable.so into DIR (default: the installed Slurm's plugin
     directory, from pkg-config, else `scontrol show config', else the
     distribution's layout; LIBDIR/slurm when --prefix is neither /usr nor /usr/local)])],
  [], [with_slurm_plugindir=])
AC_MSG_CHECKING([where to install spank_scalable.so])
AS_CASE([$with_slurm_plugindir],
  [yes|no], [AC_MSG_ERROR([--with-slurm-plugindir needs a directory])],
  [/*|'${'*|""], [],
  [AC_MSG_ERROR([--with-slurm-plugindir=$with_slurm_plugindir: not an absolute path])])
slurmplugindir= plugindir_why=
AS_IF([test -n "$with_slurm_plugindir"],
  [slurmplugindir=$with_slurm_plugindir plugindir_why="from --with-slurm-plugindir"],
  [AS_CASE([$prefix],
    [NONE|/usr|/usr/local], [_SCALABLE_FIND_SLURM_PLUGINDIR],
    dnl A prefix of one's own (a staging tree, /opt/...) keeps everything under it.
    [slurmplugindir='${libdir}/slurm' plugindir_why="under --prefix=$prefix"])])
AC_MSG_RESULT([$slurmplugindir ($plugindir_why)])
AC_SUBST([slurmplugindir])
])

# _SCALABLE_FIND_SLURM_PLUGINDIR: the installed Slurm's plugin directory.
AC_DEFUN([_SCALABLE_FIND_SLURM_PLUGINDIR], [
dnl Debian's libslurm-dev ships no slurm.pc; Slurm's own builds do.
scalable_pc_libdir=
AS_IF([test -n "$PKG_CONFIG"], [scalable_pc_libdir=`$PKG_CONFIG --variable=libdir slurm 2>/dev/null`])
AS_IF([test -n "$scalable_pc_libdir" && test -d "$scalable_pc_libdir/slurm"],
  [slurmplugindir=$scalable_pc_libdir/slurm plugindir_why="from pkg-config slurm"])
dnl scontrol asks slurmctld, which may be far or down: 5 s at most.
AS_IF([test -z "$slurmplugindir" && command -v scontrol >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1], [
  scalable_dir=`timeout 5 scontrol show config 2>/dev/null | $AWK -F' *= *' '$[]1 == "PluginDir" { split($[]2, d, ":"); print d[[1]]; exit }'`
  AS_IF([test -n "$scalable_dir" && test -d "$scalable_dir"],
    [slurmplugindir=$scalable_dir plugindir_why="PluginDir of scontrol show config"])])
AS_IF([test -z "$slurmplugindir" && test -f /etc/debian_version], [
  scalable_multiarch=`$CC -print-multiarch 2>/dev/null`
  AS_IF([test -n "$scalable_multiarch"],
    [slurmplugindir=/usr/lib/$scalable_multiarch/slurm-wlm plugindir_why="Debian's layout"])])
AS_IF([test -z "$slurmplugindir" && test -f /etc/redhat-release],
  [slurmplugindir=/usr/lib64/slurm plugindir_why="RHEL's layout"])
AS_IF([test -z "$slurmplugindir"],
  [slurmplugindir='${libdir}/slurm' plugindir_why="no Slurm found: Slurm's own default, LIBDIR/slurm"])
])
