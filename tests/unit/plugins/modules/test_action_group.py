# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module of the collection is in the action group `stacksmith.aws.aws` (meta/runtime.yml).

The playbooks set region, endpoint and credentials once with `module_defaults: {group/stacksmith.aws.aws: ...}`. A
module left out of the group gets none of them: on the emulator it would reach the endpoint only through an
environment variable, and under an inventory with credentials in variables it would run with other credentials.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[4]


def test_every_module_is_in_the_aws_action_group():
    runtime = yaml.safe_load((ROOT / "meta/runtime.yml").read_text())
    group = {entry for entry in runtime["action_groups"]["aws"] if isinstance(entry, str)}
    modules = {path.stem for path in (ROOT / "plugins/modules").glob("*.py") if path.stem != "__init__"}
    assert sorted(modules - group) == []
    assert sorted(group - modules) == []
