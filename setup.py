"""Map the source folders onto the single installed package `amber`.

The package list is computed, not hand-written: a static list silently drops new
subpackages from the wheel while editable installs hide the loss.
"""

from setuptools import find_packages, setup

SOURCE_ROOTS = {"amber": "app", "amber.cli": "cli", "amber.plugins": "plugins"}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for name, folder in SOURCE_ROOTS.items():
        package_dir[name] = folder
        packages.append(name)
        for sub in find_packages(where=folder):
            packages.append(f"{name}.{sub}")
            package_dir[f"{name}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"
    return packages, package_dir


PACKAGES, PACKAGE_DIR = _packages()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR)
