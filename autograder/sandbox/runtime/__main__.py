"""Start the student's process: ``python -I -B -u <this folder>/__main__.py ARGS`` (see `child.main`),
or a warm template of it: ``... __main__.py --template ARGS`` (see `template.main`).

`-I` keeps this folder off `sys.path`, so the folder is loaded here as the package
`grade_runtime` by its path, without making anything else importable.
"""

import importlib.util
import os
import sys


def _load_runtime(module: str) -> object:
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("grade_runtime", os.path.join(here, "__init__.py"),
                                                  submodule_search_locations=[here])
    package = importlib.util.module_from_spec(spec)
    sys.modules["grade_runtime"] = package
    spec.loader.exec_module(package)
    return importlib.import_module(f"grade_runtime.{module}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--template"]:  # a warm template forking children (template.py)
        _load_runtime("template").main(sys.argv[2:])
    else:
        _load_runtime("child").main(sys.argv[1:])
