#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate lib/systable_gen.c from libseccomp's syscall table.

Usage: tools/gen-systable.py [SYSCALLS.CSV] > lib/systable_gen.c

The input is libseccomp's src/syscalls.csv (default:
../shared/data/libseccomp-v2.6.0_src_syscalls.csv relative to the repository
root).  Its header is "#syscall (vX.Y.Z date),x86,x86_kver,x86_64,...": every
row is a syscall name followed by one (number, kernel version) pair per
architecture, "PNR" where the architecture has no such syscall.  Column "x86"
is i386.  The x32 column holds the plain table numbers (0.., 512.. for the
x32-only entry points) without __X32_SYSCALL_BIT; lib/systable.c adds it.

The output is plain C data, consumed by lib/systable.c:
  - per x86 ABI, a number-indexed name array (NULL for holes) and a
    name-sorted (strcmp order) array of {name, nr} for bsearch();
  - the sorted names that are a syscall on some architecture outside the
    x86 family, for syscall_known_elsewhere().
Python stdlib only; the output depends only on the input bytes.
"""

import csv
import hashlib
import io
import os
import re
import sys
import textwrap

# CSV column -> (C identifier stem, enum cg_arch member)
X86_ARCHES = [
    ("x86_64", "x86_64", "CG_ARCH_X86_64"),
    ("x86", "i386", "CG_ARCH_I386"),
    ("x32", "x32", "CG_ARCH_X32"),
]

X86_COLS = {col for col, _, _ in X86_ARCHES}

NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
# x86 syscall numbers in the CSV are small table indices; anything at or
# above this (notably a number that already carries the x32 bit 0x40000000)
# means the file format changed under us.  Other architectures are only
# checked for being numbers: arm's private calls sit at 0x0f0000 and up.
NR_MAX = 4096


def die(msg):
    sys.stderr.write("gen-systable: %s\n" % msg)
    sys.exit(1)


def default_csv():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "..", "shared", "data",
                        "libseccomp-v2.6.0_src_syscalls.csv")


def parse(data, path):
    rows = list(csv.reader(io.StringIO(data.decode("ascii"))))
    if not rows:
        die("%s: empty file" % path)
    header = rows[0]
    m = re.match(r"^#syscall \((.*)\)$", header[0])
    if not m:
        die("%s: unexpected header %r" % (path, header[0]))
    version = m.group(1)
    if len(header) < 3 or len(header) % 2 != 1:
        die("%s: header does not hold (number, kver) pairs" % path)
    arches = header[1::2]
    for i, arch in enumerate(arches):
        if header[2 + 2 * i] != arch + "_kver":
            die("%s: column %d is %r, expected %r" %
                (path, 2 + 2 * i, header[2 + 2 * i], arch + "_kver"))
    for col, _, _ in X86_ARCHES:
        if col not in arches:
            die("%s: no %r column" % (path, col))

    table = {}  # name -> {arch column: nr}
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            die("%s:%d: %d fields, expected %d" %
                (path, lineno, len(row), len(header)))
        name = row[0]
        if not NAME_RE.match(name):
            die("%s:%d: bad syscall name %r" % (path, lineno, name))
        if name in table:
            die("%s:%d: duplicate syscall %r" % (path, lineno, name))
        nrs = {}
        for i, arch in enumerate(arches):
            val = row[1 + 2 * i]
            if val == "PNR":
                continue
            if not val.isdigit() or (arch in X86_COLS and
                                     int(val) >= NR_MAX):
                die("%s:%d: bad number %r for %s on %s" %
                    (path, lineno, val, name, arch))
            nrs[arch] = int(val)
        table[name] = nrs
    return version, arches, table


def emit_arch(out, stem, by_nr, limit, at):
    out.append("static const unsigned short %s_by_nr[%d] = {" % (stem, limit))
    for nr in range(limit):
        if nr in by_nr:
            out.append("\t[%d] = %d, /* %s */" % (nr, at[by_nr[nr]], by_nr[nr]))
    out.append("};")
    out.append("")
    out.append("static const struct systable_entry %s_by_name[%d] = {" %
               (stem, len(by_nr)))
    for name, nr in sorted(((n, nr) for nr, n in by_nr.items()),
                           key=lambda e: e[0].encode()):
        out.append("\t{ %d, %d }, /* %s */" % (at[name], nr, name))
    out.append("};")
    out.append("")


def emit_names(out, names):
    """All names in one string, each ending in NUL, after an empty one at
    offset 0 (a hole in by_nr); returns {name: offset}.  Offsets, not
    pointers: the tables need no relocation at start-up (a pointer each
    costs the dynamic linker a write, and the pages written a fault)."""
    at = {}
    size = 1
    for name in names:
        at[name] = size
        size += len(name) + 1
    if size > 0xffff:
        die("the names take %d bytes: more than an unsigned short reaches"
            % size)
    out.append("const char systable_names[%d] =" % size)
    out.append("\t\"\"")
    for name in names:
        out.append("\t\"\\0%s\"" % name)
    out.append("\t;")
    out.append("")
    return at


def generate(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    version, arches, table = parse(data, path)

    out = []
    out.append("/* SPDX-License-Identifier: Apache-2.0 */")
    out.append("/*")
    out.append(" * GENERATED FILE - DO NOT EDIT BY HAND.")
    out.append(" *")
    out.append(" * Generated by tools/gen-systable.py from %s" %
               os.path.basename(path))
    out.append(" * (libseccomp src/syscalls.csv, table %s)," % version)
    out.append(" * sha256 %s." % hashlib.sha256(data).hexdigest())
    out.append(" * Regenerate with:")
    out.append(" *   tools/gen-systable.py CSV > lib/systable_gen.c")
    out.append(" *")
    out.append(" * x32 numbers are stored without CG_X32_SYSCALL_BIT; "
               "lib/systable.c adds")
    out.append(" * and strips it.  The types below must match those in "
               "lib/systable.c.")
    out.append(" */")
    out.append("#include <stddef.h>")
    out.append("")
    out.append("#include \"callgate/systable.h\"")
    out.append("")
    out.append("struct systable_entry {")
    out.append("\tunsigned short name;")
    out.append("\tunsigned short nr;")
    out.append("};")
    out.append("")
    out.append("struct systable_arch {")
    out.append("\tconst unsigned short *by_nr;")
    out.append("\tint nr_limit;")
    out.append("\tconst struct systable_entry *by_name;")
    out.append("\tsize_t count;")
    out.append("};")
    out.append("")
    out.append("extern const char systable_names[];")
    out.append("extern const struct systable_arch "
               "systable_arches[CG_ARCH_MAX];")
    out.append("extern const unsigned short systable_elsewhere[];")
    out.append("extern const size_t systable_elsewhere_count;")
    out.append("")

    elsewhere = sorted((name for name, nrs in table.items()
                        if any(a not in X86_COLS for a in nrs)),
                       key=lambda n: n.encode())
    x86 = [name for name, nrs in table.items()
           if any(a in nrs for a in X86_COLS)]
    names = sorted(set(elsewhere) | set(x86), key=lambda n: n.encode())
    at = emit_names(out, names)

    limits = {}
    for col, stem, _ in X86_ARCHES:
        by_nr = {}
        for name, nrs in table.items():
            if col not in nrs:
                continue
            nr = nrs[col]
            if nr in by_nr:
                die("%s: %s and %s share number %d on %s" %
                    (path, by_nr[nr], name, nr, col))
            by_nr[nr] = name
        if not by_nr:
            die("%s: no syscalls for %s" % (path, col))
        limits[col] = max(by_nr) + 1
        out.append("/* %s: %d syscalls, numbers below %d. */" %
                   (stem, len(by_nr), limits[col]))
        emit_arch(out, stem, by_nr, limits[col], at)

    out.append("const struct systable_arch systable_arches[CG_ARCH_MAX] = {")
    for col, stem, enum in X86_ARCHES:
        out.append("\t[%s] = {" % enum)
        out.append("\t\t.by_nr = %s_by_nr," % stem)
        out.append("\t\t.nr_limit = %d," % limits[col])
        out.append("\t\t.by_name = %s_by_name," % stem)
        out.append("\t\t.count = sizeof(%s_by_name) / sizeof(%s_by_name[0])," %
                   (stem, stem))
        out.append("\t},")
    out.append("};")
    out.append("")

    text = ("Names that are a syscall on at least one architecture outside "
            "the x86 family (%s), whether or not x86 has them too; strcmp "
            "order." % ", ".join(a for a in arches if a not in X86_COLS))
    out.append("/*")
    out.extend(" * " + line for line in textwrap.wrap(text, 76))
    out.append(" */")
    out.append("const unsigned short systable_elsewhere[%d] = {" %
               len(elsewhere))
    for name in elsewhere:
        out.append("\t%d, /* %s */" % (at[name], name))
    out.append("};")
    out.append("")
    out.append("const size_t systable_elsewhere_count =")
    out.append("\tsizeof(systable_elsewhere) / sizeof(systable_elsewhere[0]);")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) > 2:
        die("usage: gen-systable.py [SYSCALLS.CSV]")
    path = sys.argv[1] if len(sys.argv) == 2 else default_csv()
    sys.stdout.write(generate(path))


if __name__ == "__main__":
    main()
