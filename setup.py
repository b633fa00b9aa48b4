"""Package discovery, which pyproject.toml cannot express: the top-level themes/ folder is
installed as the ``crm_platform_themes`` package, beside ``crm_platform``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["crm_platform", "crm_platform.*"]), "crm_platform_themes"],
    package_dir={"crm_platform_themes": "themes"},
)
