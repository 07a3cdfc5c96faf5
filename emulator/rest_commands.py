"""Application command registration routes (global and per guild), as ``tree.sync()`` uses them.

``command_puts`` counts bulk overwrites so tests can prove the bot does not re-sync on every restart. Each command
keeps its ``contexts`` and ``integration_types``; the driver and ``visibility`` offer it only where they allow.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator.limits import Problem, error_body
from emulator.responses import emu_of, jsonr, no_content, unknown

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


def _emu(request: web.Request) -> Emulator:
    return emu_of(request)


def _scope(request: web.Request) -> int | None:
    gid = request.match_info.get("guild_id")
    return int(gid) if gid else None


def check_command(cmd: dict[str, Any], i: int) -> list[Problem]:
    """The registration limits Discord enforces (names, descriptions, option counts, choices)."""
    problems: list[Problem] = []
    ctype = cmd.get("type", 1)
    name = cmd.get("name", "")
    if ctype == 1 and (not NAME_RE.match(name) or name != name.lower()):
        problems.append(
            Problem((i, "name"), f"Invalid slash command name {name!r}.", "APPLICATION_COMMAND_INVALID_NAME")
        )
    if ctype != 1 and not 1 <= len(name) <= 32:
        problems.append(Problem((i, "name"), "Must be between 1 and 32 in length."))
    if ctype == 1 and not 1 <= len(cmd.get("description", "")) <= 100:
        problems.append(Problem((i, "description"), "Must be between 1 and 100 in length."))

    def walk(options: list[dict[str, Any]], path: tuple[str | int, ...]) -> None:
        if len(options) > 25:
            problems.append(Problem((*path, "options"), "Must be 25 or fewer in length."))
        for j, opt in enumerate(options):
            p = (*path, "options", j)
            if not NAME_RE.match(opt.get("name", "")):
                problems.append(
                    Problem((*p, "name"), "Invalid option name.", "APPLICATION_COMMAND_INVALID_NAME")
                )
            if not 1 <= len(opt.get("description", "")) <= 100:
                problems.append(Problem((*p, "description"), "Must be between 1 and 100 in length."))
            if len(opt.get("choices") or []) > 25:
                problems.append(Problem((*p, "choices"), "Must be 25 or fewer in length."))
            walk(opt.get("options") or [], p)

    walk(cmd.get("options") or [], (i,))
    for key, known in (("contexts", (0, 1, 2)), ("integration_types", (0, 1))):
        if any(value not in known for value in cmd.get(key) or ()):
            problems.append(Problem((i, key), f"Value must be one of {list(known)}."))
    return problems


def _store(
    emu: Emulator, scope: int | None, cmd: dict[str, Any], existing: dict[tuple[str, int], Any]
) -> dict:
    ctype = cmd.get("type", 1)
    old = existing.get((cmd["name"], ctype))
    out = {
        "id": old["id"] if old else str(emu.world.ids.next()),
        "application_id": str(emu.world.application_id),
        "version": str(emu.world.ids.next()),
        "type": ctype,
        "name": cmd["name"],
        "description": cmd.get("description", ""),
        "options": cmd.get("options") or [],
        "default_member_permissions": cmd.get("default_member_permissions"),
        "dm_permission": cmd.get("dm_permission", True),
        "contexts": cmd.get("contexts"),
        # Discord fills in the app's installation contexts (Developer Portal) for a command that names none
        "integration_types": cmd.get("integration_types") or list(emu.world.install_types),
        "nsfw": cmd.get("nsfw", False),
        "name_localizations": cmd.get("name_localizations"),
        "description_localizations": cmd.get("description_localizations"),
    }
    if scope is not None:
        out["guild_id"] = str(scope)
    return out


async def bulk_overwrite(request: web.Request) -> web.Response:
    emu, scope = _emu(request), _scope(request)
    body = await request.json()
    problems = [p for i, cmd in enumerate(body) for p in check_command(cmd, i)]
    if problems:
        emu.record_violation(request.method, request.path, problems)
        return jsonr(error_body(problems), status=400)
    existing = emu.world.commands.get(scope, {})
    new = {(c.get("name"), c.get("type", 1)): _store(emu, scope, c, existing) for c in body}
    emu.world.commands[scope] = new
    emu.command_puts += 1
    log.info(
        "sandbox: %d commands registered (%s)", len(new), "global" if scope is None else f"guild {scope}"
    )
    emu.emit("commands_registered", {"guild_id": scope, "commands": list(new.values())})
    return jsonr(list(new.values()))


async def list_commands(request: web.Request) -> web.Response:
    emu = _emu(request)
    return jsonr(emu.registered_commands(_scope(request)))


async def create_command(request: web.Request) -> web.Response:
    emu, scope = _emu(request), _scope(request)
    cmd = await request.json()
    problems = check_command(cmd, 0)
    if problems:
        emu.record_violation(request.method, request.path, problems)
        return jsonr(error_body(problems), status=400)
    cmds = emu.world.commands.setdefault(scope, {})
    key = (cmd["name"], cmd.get("type", 1))
    cmds[key] = _store(emu, scope, cmd, cmds)
    return jsonr(cmds[key], status=201)


def _find(emu: Emulator, scope: int | None, cid: str) -> tuple[tuple[str, int], dict[str, Any]] | None:
    for key, cmd in emu.world.commands.get(scope, {}).items():
        if cmd["id"] == cid:
            return key, cmd
    return None


async def single_command(request: web.Request) -> web.Response:
    emu, scope = _emu(request), _scope(request)
    found = _find(emu, scope, request.match_info["command_id"])
    if found is None:
        return unknown("application command", 10063)
    key, cmd = found
    if request.method == "DELETE":
        del emu.world.commands[scope][key]
        return no_content()
    if request.method == "PATCH":
        cmd.update(await request.json())
    return jsonr(cmd)


def register(api: web.RouteTableDef) -> None:
    for prefix in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
        api.get(f"{prefix}/commands")(list_commands)
        api.put(f"{prefix}/commands")(bulk_overwrite)
        api.post(f"{prefix}/commands")(create_command)
        for method in ("GET", "PATCH", "DELETE"):
            api.route(method, f"{prefix}/commands/{{command_id}}")(single_command)
