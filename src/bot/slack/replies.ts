import type { RespondArguments } from '@slack/bolt';
import type { ReplyView } from '../views.js';
import { renderReplyMessage } from './reply-blocks.js';

/** The response to a command that takes longer than Slack waits. The reply follows later. */
export const WORKING_ON_IT: RespondArguments = {
  response_type: 'ephemeral',
  text: ':hourglass_flowing_sand: Working on it…',
};

/** Builds a reply that only the user who typed the command or pressed the button can see. */
export function ephemeralReply(reply: ReplyView): RespondArguments {
  const message = renderReplyMessage(reply);
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}

/** Builds the reply for a command core that threw, which it does only for internal faults. */
export function internalErrorReply(): ReplyView {
  return {
    summary: 'Drumbeat could not finish this request.',
    sections: [
      {
        title: null,
        lines: [
          'Drumbeat could not finish this request because of an error on its side.',
          'Try again in a minute. If it keeps failing, ask whoever runs Drumbeat to check its log.',
        ],
        code: null,
      },
    ],
    isError: true,
  };
}
