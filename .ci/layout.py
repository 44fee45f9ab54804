#!/usr/bin/env python3
"""Checks the layout rules README's "Layout" section states, on src/:

- no source file over 800 lines (demo data excepted);
- `FORBIDDEN` is constructed only by the policy (and named by error.rs);
- audit entries are written and transactions committed only by the change
  skeleton (src/change.rs) and the audit module;
- no import cycle between files of src/ (a parent module re-exporting its own
  children is structure, not an import, and is left out), but for the one the
  schema's organization type makes (see SCHEMA_CYCLE);
- shared plumbing imports no domain.

Prints every breach and exits 1 when there is one.
"""

import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
MAX_LINES = 800
DOMAINS = ("accounts", "directory", "referrals", "records")
# Plumbing every domain may use; it must not know any domain.
SHARED = (
    "auth/", "policy/", "error.rs", "pagination.rs", "ids.rs", "config.rs", "db.rs",
    "domain.rs", "change.rs", "audit/service.rs", "audit/reads.rs", "metrics.rs",
    "telemetry.rs", "graphql/connection.rs", "graphql/errors.rs",
    "graphql/guard.rs", "graphql/input.rs", "graphql/limits.rs", "graphql/loaders.rs",
    "graphql/nulls.rs", "graphql/reads.rs", "graphql/persisted.rs", "graphql/scalars.rs",
)


# The one cycle the schema itself makes: an organization lists its members,
# keys and services, and a membership, key or service names its organization.
# Mutually recursive GraphQL object types of two domains cannot live in
# files that do not import each other, so these files may form a cycle among
# themselves, and no other file may join it.
SCHEMA_CYCLE = {
    "graphql/organization.rs",
    "accounts/graphql/mod.rs",
    "accounts/graphql/types.rs",
    "directory/services/graphql/mod.rs",
    "directory/services/graphql/types.rs",
}


def rel(path):
    return path.relative_to(SRC).as_posix()


def code_of(path):
    """The file's text without its unit tests and comments."""
    text = path.read_text()
    cut = text.find("#[cfg(test)]\nmod tests")
    if cut >= 0:
        text = text[:cut]
    return re.sub(r"//[^\n]*", "", text)


def module_file(parts):
    """The file holding the module at `parts` (a list of path segments under
    crate), or None."""
    base = SRC.joinpath(*parts)
    for candidate in (base.with_suffix(".rs"), base / "mod.rs"):
        if candidate.is_file():
            return candidate
    if not parts:
        return SRC / "lib.rs"
    return None


def module_path(path):
    """Path segments of the module a file defines."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def expand(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    depth, start, items = 0, 0, []
    brace = tree.find("{")
    if brace < 0:
        return [tree]
    prefix, inner = tree[:brace], tree[brace + 1:-1]
    for i, c in enumerate(inner):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    return [p for item in items if item for p in expand(prefix + item)]


def targets(path, code):
    """Files of src/ that `path` imports (by `use` or by a `crate::` path)."""
    here = module_path(path)
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)::[^;]+);", code):
        paths += expand(m.group(1))
    paths += re.findall(r"(?<![\w:])(crate(?:::\w+)+)", code)
    found = set()
    for p in paths:
        segments = [s for s in p.split(" as ")[0].split("::") if s]
        if segments[0] == "crate":
            parts = segments[1:]
        else:
            parts = list(here)
            while segments and segments[0] in ("super", "self"):
                if segments.pop(0) == "super":
                    parts = parts[:-1]
            parts += segments
        # The deepest file along the path is the module imported.
        for end in range(len(parts), -1, -1):
            target = module_file(parts[:end])
            if target is not None:
                break
        if target is None or target == path:
            continue
        # A parent re-exporting (or declaring) its own children is structure.
        if module_path(target)[: len(here)] == here and path.name in ("mod.rs", "lib.rs"):
            continue
        found.add(target)
    return found


def cycles(graph):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main():
    problems = []
    files = sorted(SRC.rglob("*.rs"))
    graph = {}
    for path in files:
        name = rel(path)
        lines = path.read_text().count("\n")
        if lines > MAX_LINES and not path.name == "demo.rs":
            problems.append(f"{name}: {lines} lines (at most {MAX_LINES})")
        code = code_of(path)
        if "Forbidden(" in code and not (name.startswith("policy/") or name == "error.rs"):
            problems.append(f"{name}: constructs FORBIDDEN outside the policy")
        if not (name == "change.rs" or name.startswith("audit/")):
            for pattern in (r"audit::record(_many)?\(", r"\brecord_many\(",
                            r"audit_entry::ActiveModel", r"\.commit\(\)", r"\.begin\(\)"):
                if re.search(pattern, code):
                    problems.append(f"{name}: `{pattern}` outside the change skeleton")
        graph[name] = {rel(t) for t in targets(path, code)}
    for component in cycles(graph):
        if not set(component) <= SCHEMA_CYCLE:
            problems.append("import cycle: " + " -> ".join(component))
    for name, imported in graph.items():
        if name.startswith(SHARED):
            for target in sorted(imported):
                if target.split("/")[0] in DOMAINS:
                    problems.append(f"{name}: shared plumbing imports the domain file {target}")
    for problem in problems:
        print(problem)
    print(f"layout: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
