"""Stand-in for the get-pip.py bootstrap script that ansible-test downloads from its CI file host.

ansible-test (ansible-core 2.19) creates a virtualenv without pip for some sanity tests and runs
``python get_pip_<version>.py <pip options> pip==<version>`` in it. That host is not reachable from
our machines (only PyPI is), so tests/sanity.sh puts this script in ansible-test's cache instead: it
installs the pip that ships with Python (ensurepip), then lets that pip install what was asked from
PyPI. The result is the same environment get-pip.py would make.
"""

import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
env = dict(os.environ)
# ansible-test runs this with a reduced environment: trust the system CA store (as pip on this
# machine is configured to) unless a certificate bundle is given.
system_bundle = "/etc/ssl/certs/ca-certificates.crt"
if "PIP_CERT" not in env and os.path.exists(system_bundle):
    env["PIP_CERT"] = system_bundle
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", *args], env=env)
