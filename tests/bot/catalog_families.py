"""``FAMILIES``: every family of catalog keys the code builds from a value, and where its values come from
(checked by tests/bot/test_catalog_keys.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bot.hooks import DEFAULT_FEATURE, feature_of
from cogs.alerts import relevance as alert_relevance
from cogs.disclosures import audit, forms, submissions, vocab
from cogs.disclosures.records import RecordError
from cogs.polls.tally import Method, TieRule
from tests.bot.catalog_values import (
    Literals,
    Values,
    alert_reason_keys,
    call_args,
    const,
    default_of,
    dict_keys,
    dict_values,
    function,
    local,
    loop_items,
    minus,
    module_of,
    named,
    parsed,
    returned,
    tree_keys,
    union,
    values,
)


@dataclass(frozen=True)
class Family:
    source: str  # where the values come from, for the reader
    values: Values
    empty_ok: str = ""  # why no value at all is fine


DISCLOSURES = "cogs/disclosures"
SIGNAL_KINDS = call_args(DISCLOSURES, "Signal", 0)  # every kind of signal the image readers report
SUBMISSION_STATES = const(submissions.STATES)

FAMILIES: dict[str, Family] = {
    # --- the command tree (test_catalogs.py checks each string's English; these check the keys resolve)
    "cmd.{}": Family(
        "bot.i18n.command_key over the built tree (names, descriptions, options)", tree_keys("cmd.")
    ),
    "menu.{}": Family("bot.i18n.command_key over the tree's context menus", tree_keys("menu.")),
    "choice.{}": Family(
        "bot.i18n.command_key over the tree's choices that name no key of their own",
        tree_keys("choice."),
        empty_ok="every choice in the code names its own key today",
    ),
    "cmd.{}.description": Family(
        "Meta.describe (/help): every slash command of the built tree",
        lambda built: {(c.qualified_name.replace(" ", "."),) for c in built.slash_commands()},
    ),
    "help.feature.{}": Family(
        "bot.hooks.feature_of: the feature_key of every loaded cog, and DEFAULT_FEATURE",
        lambda built: {(feature_of(cog),) for cog in built.bot.cogs.values()} | {(DEFAULT_FEATURE,)},
    ),
    # --- alerts
    "alerts.choice.{}": Family(
        "cogs.alerts.relevance.MODES (a server's stored mode) and the values given to cog._choice",
        union(const(alert_relevance.MODES), call_args("cogs/alerts/cog.py", "_choice", 0)),
    ),
    "alerts.relevance.{}": Family("cogs.alerts.relevance.MODES", const(alert_relevance.MODES)),
    "alerts.permission.{}": Family(
        "cogs.alerts.cog.NEEDED_PERMISSIONS",
        lambda _: values(module_of("cogs/alerts/cog.py").NEEDED_PERMISSIONS),
    ),
    "alerts.story_url.{}": Family(
        "the codes cogs.alerts.failures.story_url_problem returns",
        returned("cogs/alerts/failures.py", "story_url_problem", 0),
    ),
    "alerts.feeds.status.{}": Family(
        "what cogs.alerts.embeds.feed_status returns", returned("cogs/alerts/embeds.py", "feed_status")
    ),
    "alerts.why.outcome.{}": Family(
        "the outcomes Decider.decide assigns to row['outcome'] and Decider._publish returns",
        union(lambda _: _assigned_outcomes(), returned("cogs/alerts/decide.py", "Decider._publish", 0)),
    ),
    "alerts.reason.{}": Family(
        "failures.reason_key of every fetch/guard failure reason", alert_reason_keys(False)
    ),
    "alerts.reason.parse_{}": Family(
        "failures.reason_key of every ParseError reason", alert_reason_keys(True)
    ),
    # --- disclosures: the record vocabulary
    "disclosures.status.{}": Family("cogs.disclosures.vocab.STATUSES", const(vocab.STATUSES)),
    "disclosures.caution.{}": Family(
        "cogs.disclosures.vocab.UNCONFIRMED_STATUSES", const(vocab.UNCONFIRMED_STATUSES)
    ),
    "disclosures.medium.{}": Family("cogs.disclosures.vocab.MEDIUMS", const(vocab.MEDIUMS)),
    "disclosures.use.{}": Family("cogs.disclosures.vocab.AI_USES", const(vocab.AI_USES)),
    "disclosures.confidence.{}": Family("cogs.disclosures.vocab.CONFIDENCES", const(vocab.CONFIDENCES)),
    "disclosures.role.{}": Family("cogs.disclosures.vocab.ROLES", const(vocab.ROLES)),
    "disclosures.choice.{}.{}": Family(
        "each _choices(kind, NAMES) call in cogs/disclosures/cog.py: the kind and every value of NAMES",
        lambda _: _disclosure_choices(),
    ),
    "disclosures.stats.by_{}": Family(
        "the keys of `sections` in Disclosures.stats",
        dict_keys("cogs/disclosures/cog.py", "Disclosures.stats", "sections"),
    ),
    # --- disclosures: submissions, curation, audit
    "disclosures.history.role.{}": Family("cogs.disclosures.audit.ROLES", const(audit.ROLES)),
    "disclosures.mine.kind.{}": Family("cogs.disclosures.submissions.KINDS", const(submissions.KINDS)),
    "disclosures.mine.state.{}": Family("cogs.disclosures.submissions.STATES", SUBMISSION_STATES),
    "disclosures.review.decided.{}": Family(
        "submissions.STATES but pending (ReviewQueue.decided_note says decided.missing for it)",
        minus(SUBMISSION_STATES, "pending"),
    ),
    "disclosures.restore.{}": Family(
        "every RestoreError(reason) raised in cogs/disclosures/store.py",
        call_args("cogs/disclosures/store.py", "RestoreError", 0),
    ),
    "disclosures.problem.{}": Family(
        "every RecordError(code=...) in cogs/disclosures, and RecordError's default code",
        union(
            call_args(DISCLOSURES, "RecordError", "code", passed_on=("problem.code",)),
            default_of(RecordError, "code"),
        ),
    ),
    "disclosures.submit.{}_label": Family(
        "the boxes of the submit form: keys of `typed` in Contributions.receive_submission",
        dict_keys("cogs/disclosures/contributions.py", "Contributions.receive_submission", "typed"),
    ),
    "disclosures.form.{}": Family(
        "cogs.disclosures.forms.FORM_ORDER (every box of the record form)", const(forms.FORM_ORDER)
    ),
    "disclosures.form.{}_hint": Family(
        "cogs.disclosures.forms.FORM_ORDER (_FormModal.labelled gives every box its hint)",
        const(forms.FORM_ORDER),
    ),
    "disclosures.button.{}": Family(
        "the literal (button, key[, name]) loops of ReviewView.__init__ and DraftView.__init__",
        union(
            loop_items("cogs/disclosures/views.py", "ReviewView.__init__", "key"),
            loop_items("cogs/disclosures/record_form.py", "DraftView.__init__", "name"),
        ),
    ),
    # --- disclosures: the image check
    "disclosures.provenance.{}": Family(
        "every Signal(kind) the readers report, the AI variants signal_lines picks for some, and the"
        " nothing_key= values given to run_image_check",
        lambda built: union(
            SIGNAL_KINDS,
            local(
                "cogs/disclosures/image_reply.py",
                "signal_lines",
                "key",
                kind={kind for (kind,) in SIGNAL_KINDS(built)},
            ),
            call_args("cogs/disclosures/image_check.py", "run_image_check", "nothing_key"),
        )(built),
    ),
    "disclosures.provenance.reason.{}": Family(
        "what cogs.disclosures.c2pa_reader.reason_of returns",
        returned("cogs/disclosures/c2pa_reader.py", "reason_of"),
    ),
    "disclosures.provenance.read_{}": Family(
        "every ReadResult(error=...) of the reader pool and the worker's {'error': ...} replies it passes on",
        union(
            call_args(DISCLOSURES, "ReadResult", "error", passed_on=("str(error)",)),
            dict_values("cogs/disclosures/reader_worker.py", "error"),
        ),
    ),
    # --- polls
    "polls.method.{}": Family(
        "cogs.polls.tally.Method but MULTIPLE (method_text says polls.method.multiple_max for it)",
        const([method for method in Method if method is not Method.MULTIPLE]),
    ),
    "polls.tie.{}": Family("cogs.polls.tally.TieRule", const(TieRule)),
    "polls.elimination.{}": Family(
        "the rule names cogs.polls.tally._lowest returns", returned("cogs/polls/tally.py", "_lowest", 1)
    ),
    "polls.vote.start_{}": Family(
        "the `kind` poll_view assigns for a ranked or score poll",
        local("cogs/polls/render.py", "poll_view", "kind"),
    ),
    "polls.{}.no_votes": Family(
        "the `stage` outcome_line assigns", local("cogs/polls/summary.py", "outcome_line", "stage")
    ),
    "polls.{}.tie": Family(
        "the `stage` outcome_line assigns", local("cogs/polls/summary.py", "outcome_line", "stage")
    ),
    "polls.{}.winner": Family(
        "the `stage` outcome_line assigns", local("cogs/polls/summary.py", "outcome_line", "stage")
    ),
}


def _assigned_outcomes() -> set[tuple[str, ...]]:
    """The strings Decider.decide assigns to ``row["outcome"]`` itself (the others come from _publish)."""
    path = "cogs/alerts/decide.py"
    scope = function(path, "Decider.decide")
    literals = Literals(path, scope)
    found = {
        (value,)
        for node in ast.walk(scope)
        if isinstance(node, ast.Assign) and len(node.targets) == 1
        if ast.unparse(node.targets[0]) == "row['outcome']"
        for value in literals.of(node.value)
    }
    assert found, f"{path}: Decider.decide assigns no row['outcome']: update FAMILIES"
    return found


def _disclosure_choices() -> set[tuple[str, ...]]:
    path = "cogs/disclosures/cog.py"
    module = module_of(path)
    found = set()
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Call) and named(node.func, "_choices"):
            kind, names = node.args
            assert isinstance(kind, ast.Constant) and isinstance(names, ast.Name), ast.unparse(node)
            found |= {(kind.value, value) for (value,) in values(getattr(module, names.id))}
    assert found, f"{path}: no _choices(...) call: update FAMILIES"
    return found
