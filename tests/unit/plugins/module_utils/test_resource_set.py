# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for plugins/module_utils/resource_set.py: the state dispatch every resource-set module shares."""

import threading

import pytest
from ansible_collections.stacksmith.aws.plugins.module_utils import resource_set as rs

OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}


class FakeSet:
    """An in-memory 'AWS' of named resources; records every write."""

    def __init__(self, resources):
        self.resources = {name: dict(r, name=name) for name, r in resources.items()}
        self.writes = []

    def owned(self, resource):
        return rs.is_owned(resource.get("tags"), OWNER)

    def view(self, resource):
        return {"name": resource["name"], "size": resource.get("size"), "extra": resource.get("extra", [])}

    def present(self, check_mode):
        def present(item, current, purge):
            wanted_extra = item.get("extra", [])
            if current is None:
                new = {"name": item["name"], "size": item["size"], "extra": wanted_extra, "tags": dict(OWNER)}
                if not check_mode:
                    self.writes.append(("create", item["name"]))
                    self.resources[item["name"]] = new
                return True, self.view(new)
            extra = wanted_extra if purge else sorted(set(current.get("extra", [])) | set(wanted_extra))
            new = dict(current, size=item["size"], extra=extra)
            changed = self.view(new) != self.view(current)
            if changed and not check_mode:
                self.writes.append(("update", item["name"]))
                self.resources[item["name"]] = new
            return changed, self.view(new)

        return present

    def absent(self, resource):
        self.writes.append(("delete", resource["name"]))
        del self.resources[resource["name"]]

    def converge(self, state, config, check_mode=False):
        return rs.converge_set(
            state=state,
            config=config,
            existing=dict(self.resources),
            owned=self.owned,
            present=self.present(check_mode),
            absent=self.absent,
            view=self.view,
            check_mode=check_mode,
        )


def world():
    return FakeSet(
        {
            "a": {"size": 1, "extra": ["x"], "tags": dict(OWNER)},
            "b": {"size": 2, "tags": dict(OWNER)},
            "foreign": {"size": 9, "tags": {"stack": "other", "managed-by": "stacksmith"}},
        }
    )


def test_merged_creates_updates_and_keeps_unlisted_sub_items():
    fake = world()
    result = fake.converge("merged", [{"name": "a", "size": 1, "extra": ["y"]}, {"name": "c", "size": 3}])
    assert result["changed"] is True
    assert result["created"] == ["c"] and result["updated"] == ["a"] and result["deleted"] == []
    assert fake.resources["a"]["extra"] == ["x", "y"]  # merged keeps x
    assert fake.writes == [("update", "a"), ("create", "c")]
    assert result["diff"]["before"] == {"a": {"name": "a", "size": 1, "extra": ["x"]}, "c": {}}
    assert result["diff"]["after"]["c"] == {"name": "c", "size": 3, "extra": []}
    assert [item["name"] for item in result["items"]] == ["a", "c"]


def test_replaced_purges_sub_items_of_listed_only():
    fake = world()
    result = fake.converge("replaced", [{"name": "a", "size": 1, "extra": ["y"]}])
    assert fake.resources["a"]["extra"] == ["y"]
    assert "b" in fake.resources and result["deleted"] == []


def test_overridden_deletes_owned_unlisted_and_never_foreign():
    fake = world()
    result = fake.converge("overridden", [{"name": "a", "size": 1, "extra": ["x"]}])
    assert result["deleted"] == ["b"]
    assert set(fake.resources) == {"a", "foreign"}
    assert fake.writes == [("delete", "b")]


def test_replaced_refuses_to_rewrite_a_foreign_resource_before_writing():
    fake = world()
    with pytest.raises(rs.ResourceSetError, match="foreign exists but is not owned"):
        fake.converge("replaced", [{"name": "foreign", "size": 1}])
    assert fake.writes == []


def test_deleted_listed_and_all_owned():
    fake = world()
    assert fake.converge("deleted", [{"name": "b"}, {"name": "gone"}])["deleted"] == ["b"]
    fake = world()
    result = fake.converge("deleted", [])
    assert result["deleted"] == ["a", "b"] and set(fake.resources) == {"foreign"}
    again = fake.converge("deleted", [])
    assert again["changed"] is False and fake.writes == [("delete", "a"), ("delete", "b")]


def test_deleted_refuses_foreign_before_any_delete():
    fake = world()
    with pytest.raises(rs.ResourceSetError, match="refusing to delete foreign"):
        fake.converge("deleted", [{"name": "a"}, {"name": "foreign"}])
    assert fake.writes == []


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden", "deleted"])
def test_check_mode_writes_nothing_but_reports(state):
    fake = world()
    config = [{"name": "a", "size": 5}, {"name": "c", "size": 3}] if state != "deleted" else [{"name": "a"}]
    result = fake.converge(state, config, check_mode=True)
    assert result["changed"] is True
    assert fake.writes == []


def test_converged_set_reports_nothing():
    fake = world()
    result = fake.converge("overridden", [{"name": "a", "size": 1, "extra": ["x"]}, {"name": "b", "size": 2}])
    assert result["changed"] is False and result["diff"] == {"before": {}, "after": {}} and fake.writes == []


def test_duplicate_names_refused():
    with pytest.raises(rs.ResourceSetError, match="repeated: a"):
        world().converge("merged", [{"name": "a", "size": 1}, {"name": "a", "size": 2}])


def test_read_states_are_not_dispatched():
    with pytest.raises(rs.ResourceSetError):
        world().converge("gathered", [])


@pytest.mark.parametrize(
    ("tags", "owner", "expected"),
    [
        ({"stack": "s", "managed-by": "stacksmith", "x": "1"}, {"stack": "s", "managed-by": "stacksmith"}, True),
        ({"stack": "s"}, {"stack": "s", "managed-by": "stacksmith"}, False),
        ({"stack": "t", "managed-by": "stacksmith"}, {"stack": "s", "managed-by": "stacksmith"}, False),
        ({"stack": "s"}, {}, False),  # no owner tags: nothing provably owned
        (None, {"stack": "s"}, False),
    ],
)
def test_is_owned(tags, owner, expected):
    assert rs.is_owned(tags, owner) is expected


def test_item_tags_common_then_item_then_name_sorted():
    tags = rs.item_tags({"stack": "s", "tier": "x"}, {"name": "n1", "tags": {"tier": "public", "n": 1}})
    assert tags == {"Name": "n1", "n": "1", "stack": "s", "tier": "public"}
    assert list(tags) == sorted(tags)


def test_run_concurrently_keeps_order_and_uses_threads():
    seen = set()
    barrier = threading.Barrier(3, timeout=5)

    def work(x):
        seen.add(threading.get_ident())
        barrier.wait()  # only passes if three calls run at the same time
        return x * 2

    assert rs.run_concurrently(work, [1, 2, 3]) == [2, 4, 6]
    assert len(seen) == 3


def test_run_concurrently_raises_the_first_error_in_item_order():
    def work(x):
        if x in (2, 3):
            raise ValueError(f"bad {x}")
        return x

    with pytest.raises(ValueError, match="bad 2"):
        rs.run_concurrently(work, [1, 2, 3])


def test_argument_spec_shape():
    spec = rs.resource_set_argument_spec({"name": {"type": "str", "required": True}}, vpc_id={"type": "str"})
    assert spec["state"]["choices"] == list(rs.STATES) and spec["state"]["default"] == "merged"
    assert spec["config"]["options"]["name"]["required"] is True
    assert spec["vpc_id"] == {"type": "str"}


@pytest.mark.parametrize(
    ("state", "config", "message"),
    [
        ("overridden", [{"name": "a"}], "state overridden needs name_prefix: the alarms under it are the set's scope"),
        ("deleted", [], "state deleted with an empty config needs name_prefix (the scope of the set)"),
        ("gathered", [], "state gathered with an empty config needs name_prefix (the scope of the set)"),
    ],
)
def test_a_prefix_scoped_set_without_a_prefix_is_refused(state, config, message):
    with pytest.raises(rs.ResourceSetError) as raised:
        rs.check_prefix_scope(state, config, None, "alarms")
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("state", "config", "prefix"),
    [
        ("overridden", [], "shop-"),
        ("deleted", [{"name": "a"}], None),
        ("gathered", [{"name": "a"}], None),
        ("merged", [], None),
        ("replaced", [], None),
    ],
)
def test_a_bounded_scope_passes(state, config, prefix):
    rs.check_prefix_scope(state, config, prefix, "alarms")


def test_item_tags_without_the_name_tag():
    tags = rs.item_tags({"stack": "s"}, {"name": "bucket-1", "tags": {"tier": "x"}}, name_tag=False)
    assert tags == {"stack": "s", "tier": "x"}
