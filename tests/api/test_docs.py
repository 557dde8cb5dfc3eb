"""The operator documentation keeps up with the code: every problem type slug
used in src/ is in docs/problems.md, every configuration key, CONVENE_*
variable and `serve` flag is in docs/configuration.md, and every subcommand
of `convene --help` is in the README. Needs no server."""
import glob
import os
import re
import subprocess

from conftest import BIN, ROOT

SLUG_CALL = re.compile(r'resp_problem(?:f|_ext)?\(\s*[^,()]+,\s*[^,]+?,\s*"([a-z0-9-]+)"', re.S)


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def code_slugs():
    slugs = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.c"), recursive=True)):
        text = read(path)
        for m in SLUG_CALL.finditer(text):
            slugs.setdefault(m.group(1), os.path.relpath(path, ROOT))
        if "resp_field_error(" in text:
            slugs.setdefault("invalid-field", os.path.relpath(path, ROOT))
    return slugs


def test_every_problem_type_is_documented():
    doc = read("docs", "problems.md")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M))
    slugs = code_slugs()
    assert len(slugs) >= 20, slugs
    missing = ["%s (%s)" % (s, where) for s, where in sorted(slugs.items()) if s not in documented]
    assert not missing, "problem types missing from docs/problems.md:\n  " + "\n  ".join(missing)


def test_every_setting_is_documented():
    doc = read("docs", "configuration.md")
    config = read("src", "core", "config.c")
    keys = set(re.findall(r'!strcmp\(key, "([a-z_]+)"\)', config))
    env_block = re.search(r"config_load_env.*?\{(.*?)NULL\}", config, re.S).group(1)
    env_keys = re.findall(r'"([a-z_]+)"', env_block)
    assert "listen" in keys and "listen" in env_keys
    missing = ["key %s" % k for k in sorted(keys) if "`%s`" % k not in doc]
    missing += ["CONVENE_%s" % k.upper() for k in env_keys if "`CONVENE_%s`" % k.upper() not in doc]
    serve = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30).stdout
    flags = set(re.findall(r"(--[a-z][a-z-]+)", serve)) - {"--help"}
    missing += ["flag %s" % f for f in sorted(flags) if "`%s" % f not in doc]
    assert not missing, "settings missing from docs/configuration.md:\n  " + "\n  ".join(missing)


def test_every_subcommand_is_in_the_readme():
    readme = read("README.md")
    out = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=30).stdout
    commands = re.findall(r"^  ([a-z]+(?: [a-z]+)?)  ", out, re.M)
    assert "serve" in commands and "routes" in commands, out
    missing = [c for c in commands if "convene %s" % c not in readme]
    assert not missing, "subcommands missing from README.md: %s" % missing
    for doc in ("docs/openapi.yaml", "docs/configuration.md", "docs/operations.md",
                "docs/architecture.md", "docs/problems.md"):
        assert doc in readme, "README.md does not point to " + doc
        assert os.path.exists(os.path.join(ROOT, doc)), doc
