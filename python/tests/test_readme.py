"""The README's Python quickstart, exactly as printed, run from the repository's root."""
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def readme_block(name):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- " + name + r":begin -->\n```python\n(.*?)```\n<!-- " + name + r":end -->", text, re.S)
    assert m, f"README.md has no {name} block"
    return m.group(1)


def test_the_readmes_python_quickstart_runs_as_printed():
    code = readme_block("python-quickstart")
    assert 8 <= len(code.strip().splitlines()) <= 14
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    m = re.search(r"^test accuracy (0\.\d{4})$", out.stdout, re.M)
    assert m, out.stdout
    assert float(m.group(1)) >= 0.94
