# SPDX-License-Identifier: GPL-2.0-or-later
# Spack recipe for scalable: the orchestrator, and with +spank (default) the
# Slurm SPANK plugin spank_scalable.so. Copy this file to
# <your repo>/packages/scalable/package.py.
#
# There is no public download yet: build from a `make dist` tarball in a
# Spack mirror (the tarball as MIRROR/scalable/scalable-0.1.0.tar.gz, then
# `spack install --no-checksum scalable@0.1.0`), or from a checkout with
# `spack dev-build scalable@0.1.0`. Replace url below and add the sha256 to
# version() once the release is published.
#
# The plugin goes into this package's own prefix (lib/slurm), not into
# Slurm's: the plugstack.conf.d snippet that make install writes names it by
# absolute path, so plugstack.conf loads it from there with no PluginDir
# change (include PREFIX/etc/slurm/plugstack.conf.d/scalable.conf). A SPANK
# plugin runs only with the Slurm it was built against: use your site's Slurm
# as an external (packages.yaml) so that it is the one slurmstepd runs.

from spack.package import *


class Scalable(AutotoolsPackage):
    """Overnight parameter sweeps on Slurm that survive their failures: the
    scalable command expands scenario sets into job arrays, follows them,
    classifies failures and resubmits what is worth retrying; the
    spank_scalable.so plugin records what every job step did on the node."""

    url = "https://example.invalid/scalable/scalable-0.1.0.tar.gz"

    license("GPL-2.0-or-later")

    version("0.1.0")

    variant("spank", default=True, description="Build the Slurm SPANK plugin spank_scalable.so")

    depends_on("c", type="build")
    depends_on("pkgconfig", type="build")
    depends_on("jansson")
    depends_on("libyaml")
    depends_on("curl")
    depends_on("zstd")  # the Parquet export's zstd pages
    # Headers only (slurm/spank.h): slurmstepd provides the symbols at run time.
    depends_on("slurm", type="build", when="+spank")
    depends_on("cmocka", type="test")

    def configure_args(self):
        if self.spec.satisfies("+spank"):
            return [
                "--with-slurm={0}".format(self.spec["slurm"].prefix),
                "--with-slurm-plugindir={0}".format(self.prefix.lib.slurm),
            ]
        return ["--disable-plugin"]

    def check(self):
        # make check needs the test seams (--enable-test-seams), which an
        # installed build must never have: the tests run in a build of their own.
        with working_dir("spack-check-build", create=True):
            configure = Executable(join_path(self.stage.source_path, "configure"))
            configure("--prefix={0}".format(self.prefix), "--enable-test-seams",
                      *self.configure_args())
            make("check")
