// The `/drumbeat` application command and its subcommands, built with discord.js's builders.
// `npm run discord:register` sends this definition to Discord.

import {
  ChannelType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';

export const COMMAND_NAME = 'drumbeat';

/** Options whose values autocomplete: monitor names from the server, and IANA zones. */
export const NAME_OPTION = 'name';
export const ZONE_OPTION = 'zone';

const MAX_NAME_LENGTH = 64;

/** Subcommands that act on one existing monitor, with what each does. */
const MONITOR_SUBCOMMANDS = [
  ['status', 'Show the state, schedule and latest pings of a monitor'],
  ['unsilence', 'End the silence of a monitor'],
  ['pause', 'Pause a monitor until it is resumed or pinged'],
  ['resume', 'Resume a paused monitor'],
  ['delete', 'Delete a monitor; its ping URL stops working'],
] as const;

function monitorName(sub: SlashCommandSubcommandBuilder, autocomplete: boolean) {
  return sub.addStringOption((option) =>
    option
      .setName(NAME_OPTION)
      .setDescription(
        autocomplete ? 'The monitor' : 'A name for the monitor, such as nightly-invoices',
      )
      .setRequired(true)
      .setMaxLength(MAX_NAME_LENGTH)
      .setAutocomplete(autocomplete),
  );
}

function newSubcommand(sub: SlashCommandSubcommandBuilder) {
  return monitorName(sub.setName('new').setDescription('Create a monitor'), false)
    .addStringOption((option) =>
      option
        .setName('schedule')
        .setDescription(
          'When the job runs: every 15 minutes, every weekday at 9am, cron "0 3 * * *"',
        )
        .setRequired(true)
        .setMaxLength(200),
    )
    .addStringOption((option) =>
      option
        .setName('grace')
        .setDescription('How late a ping may be before an alert, such as 30 minutes'),
    )
    .addStringOption((option) =>
      option
        .setName('max_runtime')
        .setDescription('Longest run from /start to its finish, such as 2 hours'),
    )
    .addChannelOption((option) =>
      option
        .setName('channel')
        .setDescription('Channel for the alerts; this channel when not set')
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    );
}

function silenceSubcommand(sub: SlashCommandSubcommandBuilder) {
  return monitorName(
    sub.setName('silence').setDescription('Hold back the alerts of a monitor for a while'),
    true,
  ).addStringOption((option) =>
    option
      .setName('how_long')
      .setDescription('How long: 2 hours, or until a time such as until monday 9am')
      .setRequired(true)
      .setMaxLength(100),
  );
}

/** Builds the command definition as the JSON body of Discord's command endpoints. */
export function buildCommandDefinition(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const command = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Heartbeat monitors for cron jobs and workers')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand(newSubcommand)
    .addSubcommand((sub) => sub.setName('list').setDescription('List the monitors of this server'))
    .addSubcommand(silenceSubcommand);
  for (const [name, description] of MONITOR_SUBCOMMANDS) {
    command.addSubcommand((sub) =>
      monitorName(sub.setName(name).setDescription(description), true),
    );
  }
  return command
    .addSubcommand((sub) =>
      sub
        .setName('timezone')
        .setDescription("Show or set this server's time zone")
        .addStringOption((option) =>
          option
            .setName(ZONE_OPTION)
            .setDescription(
              'An IANA zone such as Europe/Berlin; leave it out to see the current one',
            )
            .setAutocomplete(true),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('digest')
        .setDescription("Show this week's reliability digest, or change when it is posted")
        .addStringOption((option) =>
          option
            .setName('schedule')
            .setDescription('weekly friday 4pm, daily 9am or off; leave it out to see the digest'),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('pingkey')
        .setDescription("Show this server's ping key, for ping URLs that name a monitor"),
    )
    .addSubcommand((sub) => sub.setName('help').setDescription('Show what Drumbeat can do'))
    .toJSON();
}
