// Platform-neutral views. The command core and the alert renderer write the words; each chat
// front end only lays them out (Block Kit for Slack, embeds and components for Discord, plain
// text for the command line and the log). Text here is plain, with one exception: user and
// channel references written `<@id>` and `<#id>`, which Slack and Discord both show as mentions.

import type { IncidentKind } from '../domain/types.js';

export const ALERT_ACTIONS = ['acknowledge', 'silence_1h', 'pause'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export interface ViewField {
  label: string;
  value: string;
}

export interface AlertButton {
  action: AlertAction;
  label: string;
  /** Identifies the monitor and incident, `<monitorId>:<incidentId>`. */
  value: string;
  style: 'primary' | 'danger' | null;
}

/** An incident's alert message, posted once and then edited in place. */
export interface AlertView {
  monitorId: string;
  incidentId: string;
  kind: IncidentKind;
  /** Open and unacknowledged, open and acknowledged, or closed. */
  status: 'open' | 'acknowledged' | 'closed';
  /** One line, such as "nightly-invoices is late". Also the notification text. */
  title: string;
  fields: ViewField[];
  /** Extra lines under the fields: acknowledged by, silenced until, recovered after. */
  notes: string[];
  /** The excerpt of a failing run's output, shown as a code block. */
  output: string | null;
  /** Empty once the incident is closed. */
  buttons: AlertButton[];
}

/**
 * A line that ends in a command for the user to copy. Front ends show the command as inline code
 * where they can, so that the user sees where it starts and ends.
 */
export interface CommandLine {
  /** Plain text before the command, such as "Try: ", or empty. */
  lead: string;
  /** The whole command as a Slack user types it, such as `/drumbeat new backup every day`. */
  command: string;
}

/** A line of a reply: plain text, or a line that ends in a command to copy. */
export type ReplyLine = string | CommandLine;

export interface ReplySection {
  title: string | null;
  lines: ReplyLine[];
  /** Shown in a code block, for ping URLs and curl lines. */
  code: string | null;
}

/** A reply to a command, shown only to the user who typed it. */
export interface ReplyView {
  /** One line that summarises the reply, used where only plain text fits. */
  summary: string;
  sections: ReplySection[];
  /** True when the command failed; front ends may mark it. */
  isError: boolean;
}
