# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way a stacksmith.aws module converges a *list* of like resources in one call.

A task costs a Python process (~0.4 s); an API call inside one costs ~6 ms on the emulator and 50-150 ms on AWS.
So a module takes the whole set (``config:``, a list keyed by ``name``) and the interface of Ansible's network
resource modules (``ansible.netcommon`` ``rm_base``, e.g. ``cisco.ios.ios_acls``)::

    merged      create what is missing; update the attributes given; keep what is not listed (extra routes,
                tags, rules of a listed item stay)
    replaced    every listed item exactly as described (its extra routes, rules, tags are purged);
                unlisted items untouched
    overridden  replaced, and every resource the set owns (tagged with all of owner_tags) that the list no
                longer names is deleted; resources it does not own are never touched
    deleted     the listed items are deleted (all owned ones when config is empty); a listed item that exists
                but is not owned is refused, before any delete
    gathered    no write: the owned resources, in the config format
    rendered    no AWS call at all: the requests a create of each listed item would send (for previews)

Each module supplies: how to read the existing set (one describe call where the API allows, independent reads
through ``run_concurrently``), how to converge one item (``purge`` True for replaced/overridden) and how to
delete one. ``converge_set`` does the dispatch, the ownership checks, the per-item diff and the result, so every
resource-set module behaves and reports alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered")
WRITE_STATES = ("merged", "replaced", "overridden", "deleted")
# A small pool: on AWS the reads wait on the network, not on the CPU; more threads only risk throttling.
MAX_WORKERS = 8


class ResourceSetError(Exception):
    """A refusal or inconsistency the module reports with fail_json (a message naming the items)."""


def resource_set_argument_spec(config_options: dict, **extra: dict) -> dict:
    """The argument spec every resource-set module shares, with the options of one ``config`` item."""
    spec = {
        "config": {"type": "list", "elements": "dict", "default": [], "options": config_options},
        "state": {"type": "str", "default": "merged", "choices": list(STATES)},
        "owner_tags": {"type": "dict", "default": {}},
        "tags": {"type": "dict", "default": {}},
    }
    spec.update(extra)
    return spec


def is_owned(tags: dict | None, owner_tags: dict | None) -> bool:
    """True when ``tags`` carry every owner tag with its value. With no owner tags nothing is owned (so
    ``overridden`` and an empty ``deleted`` delete nothing they cannot prove is theirs)."""
    if not owner_tags:
        return False
    tags = tags or {}
    return all(tags.get(key) == str(value) for key, value in owner_tags.items())


def item_tags(common: dict | None, item: dict, name_tag: bool = True) -> dict:
    """The tags of one item: the module's common ``tags``, then the item's own ``tags``, then ``Name`` (unless
    ``name_tag`` is false: resources whose name is their identity, such as buckets, get no Name tag)."""
    tags = {key: str(value) for key, value in (common or {}).items()}
    tags.update({key: str(value) for key, value in (item.get("tags") or {}).items()})
    if name_tag and item.get("name"):
        tags["Name"] = item["name"]
    return {key: tags[key] for key in sorted(tags)}


def run_concurrently(function: Callable[[Any], Any], items: Iterable[Any], max_workers: int = MAX_WORKERS) -> list:
    """``[function(item) for item in items]`` with the calls in a small thread pool (boto3 clients are thread safe);
    results in the order of ``items``; the first exception (in that order) is raised."""
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = [pool.submit(function, item) for item in items]
        return [future.result() for future in futures]


def check_prefix_scope(state: str, config: list[dict], prefix: str | None, what: str) -> None:
    """For a set scoped by a name prefix (resources with no container to list them by): ``overridden``, and
    ``gathered`` / ``deleted`` with an empty config, need the prefix, or they would have no bounded scope.
    ``what`` names the resources in the message ("log groups", "alarms")."""
    if prefix is not None:
        return
    if state == "overridden":
        raise ResourceSetError(f"state overridden needs name_prefix: the {what} under it are the set's scope")
    if state in ("gathered", "deleted") and not config:
        raise ResourceSetError(f"state {state} with an empty config needs name_prefix (the scope of the set)")


def duplicate_names(config: list[dict], key: str = "name") -> list[str]:
    names = [item[key] for item in config]
    return sorted({name for name in names if names.count(name) > 1})


def converge_set(
    *,
    state: str,
    config: list[dict],
    existing: dict[str, dict],
    owned: Callable[[dict], bool],
    present: Callable[[dict, dict | None, bool], tuple[bool, dict]],
    absent: Callable[[dict], None],
    view: Callable[[dict], dict],
    check_mode: bool,
    key: str = "name",
) -> dict:
    """Dispatches one state over the set.

    ``existing`` maps name -> the resource as read (for every candidate, owned or not); ``owned(resource)`` says
    whether the set owns it; ``present(item, current_or_None, purge)`` converges one item (honouring check mode)
    and returns (changed, resulting view); ``absent(resource)`` deletes one (never called in check mode);
    ``view(resource)`` is the config-format view used in diffs and in ``gathered``.

    Returns ``changed``, ``created``/``updated``/``deleted`` (names, in config order then name order), ``items``
    (the resulting views, in config order) and ``diff`` (before/after keyed by name, only the items that change).
    """
    if state not in WRITE_STATES:
        raise ResourceSetError(f"converge_set handles {', '.join(WRITE_STATES)}, not {state}")
    dupes = duplicate_names(config, key)
    if dupes:
        raise ResourceSetError(f"config names each resource once; repeated: {', '.join(dupes)}")

    result: dict[str, Any] = {"changed": False, "created": [], "updated": [], "deleted": [], "items": []}
    before: dict[str, dict] = {}
    after: dict[str, dict] = {}

    if state == "deleted":
        names = [item[key] for item in config] if config else sorted(n for n, r in existing.items() if owned(r))
        targets = [name for name in names if name in existing]
        foreign = [name for name in names if name in existing and not owned(existing[name])]
        if foreign:
            raise ResourceSetError(
                f"refusing to delete {', '.join(foreign)}: not owned (missing the owner tags); nothing was deleted"
            )
        for name in targets:
            before[name] = view(existing[name])
            if not check_mode:
                absent(existing[name])
            result["deleted"].append(name)
    else:
        purge = state in ("replaced", "overridden")
        for item in config:
            name = item[key]
            current = existing.get(name)
            if current is not None and not owned(current) and purge:
                raise ResourceSetError(
                    f"{name} exists but is not owned (missing the owner tags): state {state} would rewrite it"
                )
            changed, new_view = present(item, current, purge)
            result["items"].append(new_view)
            if changed:
                old_view = view(current) if current is not None else {}
                before[name] = old_view
                after[name] = new_view
                result["updated" if current is not None else "created"].append(name)
        if state == "overridden":
            listed = {item[key] for item in config}
            for name in sorted(existing):
                resource = existing[name]
                if name in listed or not owned(resource):
                    continue
                before[name] = view(resource)
                if not check_mode:
                    absent(resource)
                result["deleted"].append(name)

    result["changed"] = bool(result["created"] or result["updated"] or result["deleted"])
    result["diff"] = {"before": before, "after": after}
    return result
