"""``FAMILIES``: every family of catalog keys the code builds from a value, and where its values come from
(checked by tests/bot/test_catalog_keys.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bot.hooks import DEFAULT_FEATURE, feature_of
from cogs.alerts import relevance as alert_relevance
from cogs.alerts.cog import DIGEST_MODES
from cogs.alerts.decide import Outcome
from cogs.alerts.embeds import FEED_STATUSES
from cogs.alerts.failures import STORY_URL_PROBLEMS
from cogs.disclosures import audit, forms, queries, submissions, vocab
from cogs.disclosures.c2pa_reader import FAILURE_REASONS
from cogs.disclosures.contributions import SUBMIT_BOXES
from cogs.disclosures.image_check import NOTHING_KEYS
from cogs.disclosures.image_reply import AI_VARIANTS
from cogs.disclosures.problems import PROBLEM_CODES
from cogs.disclosures.reader_worker import READ_ERRORS
from cogs.disclosures.record_form import DRAFT_BUTTONS
from cogs.disclosures.signals import SIGNAL_KINDS
from cogs.disclosures.store import RESTORE_REASONS
from cogs.disclosures.views import REVIEW_BUTTONS
from cogs.polls.summary import OUTCOME_STAGES
from cogs.polls.tally import EliminationRule, Method, TieRule
from cogs.polls.views import BALLOT_FLOWS
from tests.bot.catalog_values import (
    Values,
    alert_reason_keys,
    const,
    minus,
    module_of,
    named,
    parsed,
    tree_keys,
    values,
)


@dataclass(frozen=True)
class Family:
    source: str  # where the values come from, for the reader
    values: Values
    empty_ok: str = ""  # why no value at all is fine


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
        "what cogs.alerts.cog._choices is given: relevance.MODES (a server's stored mode) and DIGEST_MODES",
        const(alert_relevance.MODES, DIGEST_MODES),
    ),
    "alerts.relevance.{}": Family("cogs.alerts.relevance.MODES", const(alert_relevance.MODES)),
    "alerts.permission.{}": Family(
        "cogs.alerts.cog.NEEDED_PERMISSIONS",
        lambda _: values(module_of("cogs/alerts/cog.py").NEEDED_PERMISSIONS),
    ),
    "alerts.story_url.{}": Family(
        "cogs.alerts.failures.STORY_URL_PROBLEMS (what story_url_problem returns)", const(STORY_URL_PROBLEMS)
    ),
    "alerts.feeds.status.{}": Family(
        "cogs.alerts.embeds.FEED_STATUSES (what feed_status returns)", const(FEED_STATUSES)
    ),
    "alerts.why.outcome.{}": Family(
        "cogs.alerts.decide.Outcome (what Decider.decide records for an item)", const(Outcome)
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
        "cogs.disclosures.queries.STATS_SECTIONS (the sections of Disclosures.stats)",
        const(queries.STATS_SECTIONS),
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
        "cogs.disclosures.store.RESTORE_REASONS (a RestoreError's reason)", const(RESTORE_REASONS)
    ),
    "disclosures.problem.{}": Family(
        "cogs.disclosures.problems.PROBLEM_CODES (a RecordError's code)", const(PROBLEM_CODES)
    ),
    "disclosures.submit.{}_label": Family(
        "cogs.disclosures.contributions.SUBMIT_BOXES (the boxes of the submit form)", const(SUBMIT_BOXES)
    ),
    "disclosures.form.{}": Family(
        "cogs.disclosures.forms.FORM_ORDER (every box of the record form)", const(forms.FORM_ORDER)
    ),
    "disclosures.form.{}_hint": Family(
        "cogs.disclosures.forms.FORM_ORDER (_FormModal.labelled gives every box its hint)",
        const(forms.FORM_ORDER),
    ),
    "disclosures.button.{}": Family(
        "cogs.disclosures.views.REVIEW_BUTTONS and record_form.DRAFT_BUTTONS (ReviewView's, DraftView's)",
        const(REVIEW_BUTTONS, DRAFT_BUTTONS),
    ),
    # --- disclosures: the image check
    "disclosures.provenance.{}": Family(
        "cogs.disclosures.signals.SIGNAL_KINDS (every kind of signal the readers report), the keys"
        " image_reply.AI_VARIANTS gives some of them, and image_check.NOTHING_KEYS",
        const(SIGNAL_KINDS, AI_VARIANTS.values(), NOTHING_KEYS),
    ),
    "disclosures.provenance.reason.{}": Family(
        "cogs.disclosures.c2pa_reader.FAILURE_REASONS (what reason_of returns)", const(FAILURE_REASONS)
    ),
    "disclosures.provenance.read_{}": Family(
        "cogs.disclosures.reader_worker.READ_ERRORS (a ReadResult's error)", const(READ_ERRORS)
    ),
    # --- polls
    "polls.method.{}": Family(
        "cogs.polls.tally.Method but MULTIPLE (method_text says polls.method.multiple_max for it)",
        const([method for method in Method if method is not Method.MULTIPLE]),
    ),
    "polls.tie.{}": Family("cogs.polls.tally.TieRule", const(TieRule)),
    "polls.elimination.{}": Family(
        "cogs.polls.tally.EliminationRule but NONE (round_lines names the rule only when a round eliminated)",
        const([rule for rule in EliminationRule if rule is not EliminationRule.NONE]),
    ),
    "polls.vote.start_{}": Family("cogs.polls.views.BALLOT_FLOWS", const(BALLOT_FLOWS)),
    "polls.{}.no_votes": Family("cogs.polls.summary.OUTCOME_STAGES", const(OUTCOME_STAGES)),
    "polls.{}.tie": Family("cogs.polls.summary.OUTCOME_STAGES", const(OUTCOME_STAGES)),
    "polls.{}.winner": Family("cogs.polls.summary.OUTCOME_STAGES", const(OUTCOME_STAGES)),
}


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
