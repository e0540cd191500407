// The parts of an interaction payload that Drumbeat reads, validated at the boundary.
// Discord sends more fields, and the schema drops them.

import { z } from 'zod';
import type { CommandContext } from '../commands/context.js';

export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: InteractionOption[] | undefined;
}

const optionSchema: z.ZodType<InteractionOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(optionSchema).optional(),
  }),
);

const userSchema = z.object({ id: z.string().min(1) });

const interactionSchema = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number().int(),
  token: z.string(),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  member: z.object({ user: userSchema }).optional(),
  user: userSchema.optional(),
  data: z
    .object({
      name: z.string().optional(),
      options: z.array(optionSchema).optional(),
      custom_id: z.string().optional(),
      component_type: z.number().int().optional(),
    })
    .optional(),
  message: z.object({ id: z.string(), channel_id: z.string().optional() }).optional(),
});

export type Interaction = z.infer<typeof interactionSchema>;

/** Parses a verified request body. Returns null when it is not an interaction Drumbeat can read. */
export function parseInteraction(rawBody: Buffer): Interaction | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  const result = interactionSchema.safeParse(json);
  return result.success ? result.data : null;
}

/** Builds the command core's context: who acted and where. Null outside a server, as in a direct message. */
export function commandContext(
  interaction: Interaction,
  now: number,
): Omit<CommandContext, 'resolveChannel'> | null {
  const userId = interaction.member?.user.id ?? interaction.user?.id;
  if (interaction.guild_id === undefined || userId === undefined) return null;
  return {
    platform: 'discord',
    teamId: `discord:${interaction.guild_id}`,
    userId,
    channelId: interaction.channel_id ?? interaction.message?.channel_id ?? '',
    now,
    // Discord does not send bots a user's time zone, so the team's zone applies.
    userTimezone: null,
  };
}

/** The subcommand of `/drumbeat` and its options, with the option the user is typing. */
export interface Subcommand {
  name: string;
  options: Map<string, string>;
  focused: { name: string; value: string } | null;
}

const SUBCOMMAND_TYPE = 1;

export function readSubcommand(interaction: Interaction): Subcommand | null {
  const sub = interaction.data?.options?.find((option) => option.type === SUBCOMMAND_TYPE);
  if (sub === undefined) return null;
  const options = new Map<string, string>();
  let focused: Subcommand['focused'] = null;
  for (const option of sub.options ?? []) {
    if (option.value === undefined) continue;
    const value = String(option.value);
    options.set(option.name, value);
    if (option.focused === true) focused = { name: option.name, value };
  }
  return { name: sub.name, options, focused };
}
