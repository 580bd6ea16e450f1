import { SlashCommandBuilder } from 'discord.js';
import { answerQuestion } from '../src/answer/answer.js';
import { resolveSource, sourceChoices } from './sources-option.js';
import { type Command, notice } from './types.js';

/** Longest question Discord lets a person type into /ask. */
export const MAX_QUESTION_LENGTH = 300;
/** Results fetched per question, paged through with "More results". */
export const MAX_RESULTS = 15;

const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the news articles')
  .addStringOption((o) =>
    o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(MAX_QUESTION_LENGTH),
  )
  .addIntegerOption((o) =>
    o.setName('results').setDescription('How many results to show (1-5)').setMinValue(1).setMaxValue(5),
  )
  .addStringOption((o) =>
    o
      .setName('source')
      .setDescription('Only this publisher or article')
      .setAutocomplete(true)
      .setMaxLength(100),
  )
  .addBooleanOption((o) => o.setName('private').setDescription('Only you see the answer'))
  .toJSON();

export const ask: Command = {
  data,
  moderatorOnly: false,
  async run(request, services) {
    const question = String(request.options.question ?? '').slice(0, MAX_QUESTION_LENGTH * 4);
    const isPrivate = request.options.private === true;
    const wait = await services.limiter.take(request.user.id);
    if (wait > 0) {
      const { max, windowMs } = services.limiter;
      return notice(
        'warning',
        'Slow down a little',
        [
          `You can ask ${max} questions every ${Math.round(windowMs / 1000)} seconds. Try again in ${Math.ceil(wait / 1000)} s.`,
        ],
        true,
      );
    }
    let articleIds: Set<string> | undefined;
    if (typeof request.options.source === 'string' && request.options.source.trim()) {
      // Only a question limited to a source pays for listing the corpus.
      articleIds = resolveSource(services.index.engine.listArticles(), request.options.source);
      if (articleIds.size === 0) {
        return notice('warning', 'No such source', [
          'Pick a publisher or an article from the list, or leave `source` empty.',
        ]);
      }
    }
    const answer = await answerQuestion(services.index.engine, question, {
      topK: MAX_RESULTS,
      threshold: services.config.CONFIDENCE_THRESHOLD,
      articleIds,
    });
    request.log.info(
      {
        answered: answer.answered,
        confidence: answer.confidence,
        results: answer.results.length,
        reason: answer.reason,
      },
      'question answered',
    );
    if (!answer.answered && answer.reason !== 'empty') await services.state.recordUnanswered(question.trim());
    const perPage =
      typeof request.options.results === 'number' ? request.options.results : services.config.TOP_K;
    return {
      kind: 'answer',
      answer,
      perPage: Math.min(5, Math.max(1, perPage)),
      page: 0,
      private: isPrivate,
    };
  },
  autocomplete(_request, focused, services) {
    return sourceChoices(services.index.engine.listArticles(), focused.value);
  },
};
