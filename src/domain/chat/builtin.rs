//! The built-in bot's side of a turn: it decides at once, from patterns and the knowledge
//! base, and its decisions are applied as the turn's effects.

use jiff::Timestamp;
use rusqlite::Connection;

use super::effects::{Applied, Change, free_slots};
use super::open::{Opened, Started, knowledge_if_asked, open};
use super::request::Valid;
use super::{ChatOutput, state_of};
use crate::agent::MeetingRef;
use crate::agent::builtin::flow::{self, Reply, Turn};
use crate::app::App;
use crate::domain::meetings;
use crate::error::{Error, Result};
use crate::model::{ChunkHit, EventKind, Message, Role};
use crate::scheduling;
use crate::store;

/// The whole turn as one write: the visitor's message, then the bot's decisions and reply
/// in a savepoint of their own, which a failure rolls back alone (the message still
/// commits). One commit to wait for instead of two, one queued behind the other.
pub(super) async fn turn_in_one_write(app: &App, valid: Valid) -> Result<ChatOutput> {
    let Valid {
        tenant,
        visitor,
        message,
        conversation_id,
        context,
    } = valid;
    let now = app.clock.now();
    let knowledge = knowledge_if_asked(app, &tenant, &message).await;
    let applied = app
        .store
        .write(move |conn| {
            let opened = open(
                conn,
                &tenant,
                &visitor,
                conversation_id.as_deref(),
                &message,
                context.as_ref(),
                now,
            )?;
            store::savepoint(conn, |conn| answer(conn, opened, &message, &knowledge, now))
        })
        .await??;
    Ok(reindexed(app, applied))
}

/// Answers a turn whose message is already stored (a streamed turn).
pub(super) async fn answer_started(app: &App, started: Started) -> Result<ChatOutput> {
    let Started {
        opened,
        message,
        now,
        knowledge,
        ..
    } = started;
    let applied = app
        .store
        .write(move |conn| answer(conn, opened, &message, &knowledge, now))
        .await?;
    Ok(reindexed(app, applied))
}

/// Tells the lead indexer about a lead the turn changed; the turn's output.
fn reindexed(app: &App, applied: Applied) -> ChatOutput {
    if applied.reindex {
        app.leads_index.notify();
    }
    applied.output
}

/// The bot's answer to `message`, applied with its reply.
fn answer(
    conn: &Connection,
    opened: Opened,
    message: &str,
    knowledge: &[ChunkHit],
    now: Timestamp,
) -> Result<Applied> {
    let availability = opened.settings.scheduling_availability()?;
    let tenant = opened.conversation.tenant.clone();
    let free = free_slots(conn, &tenant, &availability, now, usize::MAX)?;
    let reply = flow::respond(&Turn {
        settings: &opened.settings,
        state: state_of(&opened.conversation),
        message,
        knowledge,
        free: &free,
        tenant_zone: &availability.timezone,
        tenant_zone_name: &opened.settings.availability.timezone,
        browser_zone: opened.conversation.context.timezone.as_deref(),
        now,
    });
    apply(conn, opened, reply, &availability, now)
}

/// Applies the bot's decisions and stores its reply, all in one transaction.
fn apply(
    conn: &Connection,
    opened: Opened,
    mut reply: Reply,
    availability: &scheduling::Availability,
    now: Timestamp,
) -> Result<Applied> {
    let Opened {
        conversation,
        settings,
        lead,
        ..
    } = opened;
    let mut change = Change::new(conversation, reply.state.clone(), lead);
    change.save_contact(conn, now)?;
    match reply.qualification.take() {
        Some((qualification, status)) if change.lead.is_some() => {
            change.qualify(conn, qualification, status, now)?;
        }
        _ => change.start_qualifying(conn, now)?,
    }
    if let Some(reason) = reply.handoff {
        change.request_handoff(conn, reason, now)?;
    }
    change_meeting(conn, &mut change, &mut reply, availability, now)?;
    if let Some(slot) = reply.book.filter(|_| change.lead.is_some()) {
        match change.book(conn, slot, now) {
            Ok(meeting) => {
                reply.state.meeting = Some(MeetingRef {
                    id: meeting.id,
                    starts_at: slot.starts_at.as_millisecond(),
                    ends_at: slot.ends_at.as_millisecond(),
                });
            }
            Err(Error::Conflict { .. }) => {
                let tenant = change.conversation.tenant.clone();
                let free = free_slots(conn, &tenant, availability, now, usize::MAX)?;
                let turn = Turn {
                    settings: &settings,
                    state: reply.state.clone(),
                    message: "",
                    knowledge: &[],
                    free: &free,
                    tenant_zone: &availability.timezone,
                    tenant_zone_name: &settings.availability.timezone,
                    browser_zone: change.conversation.context.timezone.as_deref(),
                    now,
                };
                reply.text = flow::slot_taken(&turn, &mut reply.state);
                reply.complete = false;
            }
            Err(other) => return Err(other),
        }
    }
    change.state = reply.state;
    change.sources = reply.sources;
    let message = Message {
        role: Role::Assistant,
        content: reply.text,
        created_at: now,
        incomplete: false,
    };
    change.finish(conn, message, reply.complete, false)
}

/// Moves or cancels the conversation's meeting as the visitor asked.
fn change_meeting(
    conn: &Connection,
    change: &mut Change,
    reply: &mut Reply,
    availability: &scheduling::Availability,
    now: Timestamp,
) -> Result<()> {
    let tenant = change.conversation.tenant.clone();
    let (kind, changed) = if let Some(id) = reply.cancel.take() {
        (
            EventKind::MeetingCancelled,
            meetings::cancel_in(conn, &tenant, &id, now)?,
        )
    } else if let Some((id, slot)) = reply.reschedule.take() {
        (
            EventKind::MeetingRescheduled,
            meetings::reschedule_in(conn, &tenant, &id, slot.starts_at, availability, now)?,
        )
    } else {
        return Ok(());
    };
    change.meeting_changed(kind, changed);
    Ok(())
}
