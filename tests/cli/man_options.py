#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpo-cep(1) against the option tables, so that neither drifts.

The program's side comes from the tables themselves: `gpo-cep --help` names
the commands, `gpo-cep --options CMD` lists a command's options (one line
each, "-U, --user USER" or "--json") and `gpo-cep CMD --help` starts with its
synopsis.  The man page's side is doc/gpo-cep.1, read as troff: the SYNOPSIS
entries (separated by .br), the sections of DESCRIPTION (.SS) and their
option items (.TP tags).  A section titled "gpo-cep A, B" belongs to A and B;
one whose title ends in a list in parentheses is shared by the commands
listed ("domain commands": those with --domain); the text before the first
.SS is shared by all.  For every command:

  - the synopsis of --help is, line for line, the man page's SYNOPSIS entries
    for the command ("gpo-cep link | unlink ..." counts for both);
  - every option the SYNOPSIS names is in the command's table;
  - every option of the table is in the man page's text for the command;
  - every option item (.TP) of the command's sections and of the shared
    sections it takes is in the table, and takes a value exactly when the
    table's option does;
  - every option the command's own sections name is in the table (for a
    section of two commands, in one of their tables).

Also: the EXIT STATUS of gpo-cep(1), the exit-status table of README.md and
enum cli_exit (src/cli/cli.h) hold the same numbers.  TAP on standard output.
"""
import os
import re
import subprocess
import sys

GPO_CEP = os.environ["GPO_CEP"]
SRC = os.environ.get("SOURCE_ROOT", ".")
FONT_MACROS = {"B", "I", "R", "BR", "RB", "IR", "RI", "BI", "IB"}
LONG = re.compile(r"--[a-z][a-z0-9-]*")
SHORT = re.compile(r"(?<![\w-])-([A-Za-z])(?![\w-])")

n = 0
failed = 0


def check(ok, what, detail=""):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what))
    if not ok:
        failed += 1
        for line in str(detail).splitlines():
            print("# " + line)


def run(*args):
    return subprocess.run([GPO_CEP, *args], capture_output=True, text=True, check=True).stdout


def inline(t):
    """Troff escapes as plain text."""
    t = re.sub(r"\\f[BIRP]", "", t)
    for a, b in (("\\-", "-"), ("\\e", "\\"), ("\\(lq", '"'), ("\\(rq", '"'),
                 ("\\(en", "-"), ("\\(em", "-"), ("\\(rs", "\\"), ("\\&", "")):
        t = t.replace(a, b)
    return t


def macro_args(rest):
    out, buf, quoted = [], "", False
    for ch in rest:
        if ch == '"':
            quoted = not quoted
        elif ch in " \t" and not quoted:
            if buf:
                out.append(buf)
            buf = ""
        else:
            buf += ch
    if buf:
        out.append(buf)
    return out


def text(line):
    """A source line as the text it prints; None for other requests."""
    if not line.startswith("."):
        return inline(line)
    m = re.match(r"\.(\w+)\s*(.*)", line)
    if not m or m.group(1) not in FONT_MACROS:
        return None
    words = macro_args(m.group(2))
    # .B and .I join their words with spaces, the alternating macros without
    return inline((" " if len(m.group(1)) == 1 else "").join(words))


def join(lines):
    return re.sub(r"\s+", " ", " ".join(t for t in map(text, lines) if t)).strip()


def options(s):
    """The options named in a text: {"--json", "-U", ...}."""
    return set(LONG.findall(s)) | {"-" + c for c in SHORT.findall(s)}


def sections(src, name):
    """The lines of the section .SH `name`, up to the next .SH."""
    i = src.index(".SH " + name) + 1
    j = i
    while j < len(src) and not src[j].startswith(".SH "):
        j += 1
    return src[i:j]


def commands_named(words, known):
    """'link | unlink --domain' -> ['link', 'unlink'], the rest of the words."""
    names = []
    while words and (words[0] in known or words[0] in ("|", ",")):
        if words[0] in known:
            names.append(words[0])
        words = words[1:]
    return names, words


def read_man(known, domain_cmds):
    src = open(os.path.join(SRC, "doc/gpo-cep.1")).read().split("\n")
    synopsis = {c: [] for c in known}
    global_synopsis = []
    entry = []
    for line in sections(src, "SYNOPSIS") + [".br"]:
        if line != ".br":
            entry.append(line)
            continue
        s = join(entry)
        entry = []
        names, rest = commands_named(s.split()[1:], known)
        for c in names:
            synopsis[c].append(" ".join(["gpo-cep", c] + rest))
        if not names:
            global_synopsis.append(s)
    # DESCRIPTION: the text before the first .SS, then each .SS
    own = {c: [] for c in known}          # the command's own sections
    shared = {c: [] for c in known}       # the intro and the shared sections it takes
    title, body, intro = None, [], []
    for line in sections(src, "DESCRIPTION") + [".SS end"]:
        if not line.startswith(".SS "):
            (body if title is not None else intro).append(line)
            continue
        if title is not None:
            t = inline(macro_args(title)[0])
            if t.startswith("gpo-cep "):
                names, _ = commands_named(t.replace(",", " ,").split()[1:], known)
                for c in names:
                    own[c].append((body, names))
            else:
                m = re.search(r"\(([^)]*)\)$", t)
                inside = m.group(1) if m else ""
                names = domain_cmds if inside == "domain commands" else \
                    [w.strip() for w in inside.split(",") if w.strip() in known]
                for c in names:
                    shared[c].append(body)
        title, body = line[4:], []
    for c in known:
        shared[c].append(intro)
    return synopsis, global_synopsis, own, shared, src


def items(section):
    """The option items of a section: the text of each .TP tag that starts with '-'."""
    out = []
    for i, line in enumerate(section[:-1]):
        if line == ".TP":
            tag = join([section[i + 1]])
            if tag.startswith("-"):
                out.append(tag)
    return out


def takes_value(tag, opt):
    """In a tag such as "-o, --output DIR" or "--enforced[=yes|no]": does `opt` take a value?"""
    both = re.search(re.escape(opt) + r", (--[a-z0-9-]+)", tag)
    if both:
        # "-o, --output DIR": the short option's value is the long one's
        opt = both.group(1)
    return re.search(re.escape(opt) + r"(?![\w-])(\[=| [^-,\s])", tag) is not None


def read_table(cmd):
    table = {}
    for line in run("--options", cmd).splitlines():
        m = re.match(r"(?:-(\w), )?(--[a-z0-9-]+)(?: (\S+))?$", line)
        short, long_name, value = m.groups()
        table[long_name] = value is not None
        if short:
            table["-" + short] = value is not None
    return table


def help_synopsis(cmd):
    out = run(cmd, "--help").splitlines()
    lines = []
    for line in out:
        if not line.strip():
            break
        lines.append(re.sub(r"\s+", " ", re.sub(r"^usage: ", "", line)).strip())
    return lines


def main():
    usage = run("--help")
    known = re.findall(r"^  ([a-z]+) ", usage.split("Commands:")[1], re.M)
    tables = {c: read_table(c) for c in known}
    domain_cmds = [c for c in known if "--domain" in tables[c]]
    synopsis, global_synopsis, own, shared, src = read_man(known, domain_cmds)

    for g in global_synopsis:
        check(g in [re.sub(r"^usage: ", "", l).strip() for l in usage.splitlines()],
              "gpo-cep --help has the SYNOPSIS line '%s'" % g)
    for c in known:
        table = tables[c]
        check(synopsis[c] != [], "gpo-cep(1) SYNOPSIS has %s" % c)
        got = help_synopsis(c)
        check(sorted(got) == sorted(synopsis[c]), "%s: the synopsis of --help is gpo-cep(1)'s" % c,
              "--help:\n  " + "\n  ".join(got) + "\ngpo-cep(1):\n  " + "\n  ".join(synopsis[c]))
        named = set().union(*(options(s) for s in synopsis[c])) if synopsis[c] else set()
        check(named <= set(table), "%s: every option of its SYNOPSIS is in its table" % c,
              "not in the table: %s" % " ".join(sorted(named - set(table))))
        mine = [b for b, _ in own[c]] + shared[c]
        documented = set().union(named, *(options(join(b)) for b in mine))
        missing = set(table) - documented
        check(not missing, "%s: every option of its table is in gpo-cep(1)" % c,
              "not documented: %s" % " ".join(sorted(missing)))
        tagged = [t for b in mine for t in items(b)]
        unknown = set().union(*(options(t) for t in tagged)) - set(table) if tagged else set()
        check(not unknown, "%s: every option item of gpo-cep(1) for it is in its table" % c,
              "not in the table: %s" % " ".join(sorted(unknown)))
        wrong = ["%s in '%s'" % (o, t) for t in tagged for o in options(t)
                 if o in table and takes_value(t, o) != table[o]]
        check(not wrong, "%s: each option item takes a value as the table's option does" % c,
              "\n".join(wrong))
        # a section of two commands ("link, unlink") may name the options of either
        stray = set()
        for b, names in own[c]:
            stray |= options(join(b)) - set().union(*(tables[x] for x in names))
        check(not stray, "%s: every option its sections name is in its table" % c,
              "not in the table: %s" % " ".join(sorted(stray)))

    # exit statuses: one enum, the same numbers in README.md and gpo-cep(1)
    cli_h = open(os.path.join(SRC, "src/cli/cli.h")).read()
    enum = re.search(r"enum cli_exit \{(.*?)\};", cli_h, re.S).group(1)
    codes = sorted(int(v) for v in re.findall(r"=\s*(\d+)", enum))
    readme = open(os.path.join(SRC, "README.md")).read()
    table = readme.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    readme_codes = sorted(int(v) for v in re.findall(r"^\| (\d+) \|", table, re.M))
    man_codes = sorted(int(text(l)) for l in sections(src, "EXIT STATUS")
                       if l.startswith(".B ") and text(l).isdigit())
    check(codes != [] and readme_codes == codes,
          "README.md's exit statuses are enum cli_exit's (%s)" % " ".join(map(str, codes)),
          "README.md: %s" % readme_codes)
    check(man_codes == codes, "gpo-cep(1) EXIT STATUS is enum cli_exit's",
          "gpo-cep(1): %s" % man_codes)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
