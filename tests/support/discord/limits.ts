/**
 * Discord's documented limits on what a bot sends, checked the way the real API checks them: every
 * violation is reported with its field path and Discord's error code, and the request is rejected with
 * `400 { code: 50035, message: 'Invalid Form Body', errors }`.
 */

export interface FieldError {
  /** Dotted path inside the request body, e.g. `data.embeds.0.title`. */
  path: string;
  code: string;
  message: string;
}

export const Limits = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowButtons: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectPlaceholder: 150,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  modalTitle: 45,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Discord counts lengths in Unicode code points, not UTF-16 units (so one emoji is one character). */
function length(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

function join(base: string, key: string | number): string {
  return base === '' ? String(key) : `${base}.${key}`;
}

function maxLength(errors: FieldError[], path: string, value: unknown, max: number): void {
  if (typeof value === 'string' && length(value) > max) {
    errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function maxItems(errors: FieldError[], path: string, value: unknown, max: number): void {
  if (Array.isArray(value) && value.length > max) {
    errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function required(errors: FieldError[], path: string, value: unknown): void {
  if (value === undefined || value === null || value === '') {
    errors.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
}

function checkEmbeds(errors: FieldError[], path: string, embeds: unknown): void {
  if (!Array.isArray(embeds)) return;
  maxItems(errors, path, embeds, Limits.embeds);
  let total = 0;
  embeds.forEach((embed, index) => {
    if (!isObject(embed)) return;
    const at = join(path, index);
    maxLength(errors, join(at, 'title'), embed.title, Limits.embedTitle);
    maxLength(errors, join(at, 'description'), embed.description, Limits.embedDescription);
    total += length(embed.title) + length(embed.description);
    if (isObject(embed.footer)) {
      maxLength(errors, join(at, 'footer.text'), embed.footer.text, Limits.embedFooter);
      total += length(embed.footer.text);
    }
    if (isObject(embed.author)) {
      maxLength(errors, join(at, 'author.name'), embed.author.name, Limits.embedAuthor);
      total += length(embed.author.name);
    }
    if (Array.isArray(embed.fields)) {
      maxItems(errors, join(at, 'fields'), embed.fields, Limits.embedFields);
      embed.fields.forEach((field: unknown, fieldIndex) => {
        if (!isObject(field)) return;
        const fieldAt = join(join(at, 'fields'), fieldIndex);
        required(errors, join(fieldAt, 'name'), field.name);
        required(errors, join(fieldAt, 'value'), field.value);
        maxLength(errors, join(fieldAt, 'name'), field.name, Limits.embedFieldName);
        maxLength(errors, join(fieldAt, 'value'), field.value, Limits.embedFieldValue);
        total += length(field.name) + length(field.value);
      });
    }
  });
  // The 6000 limit is over all embeds of one message together, which is easy to miss when each embed
  // is individually within its limits.
  if (total > Limits.embedTotal) {
    errors.push({
      path,
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${Limits.embedTotal}`,
    });
  }
}

function checkComponents(errors: FieldError[], path: string, components: unknown, flags: number): void {
  if (!Array.isArray(components)) return;
  // Components V2 messages (flag 1 << 15) have different layout rules; the bot is not expected to use them.
  if (flags & (1 << 15)) return;
  maxItems(errors, path, components, Limits.actionRows);
  const customIds = new Set<string>();
  components.forEach((row, rowIndex) => {
    const rowAt = join(path, rowIndex);
    if (!isObject(row) || row.type !== 1) {
      errors.push({
        path: join(rowAt, 'type'),
        code: 'UNION_TYPE_CHOICES',
        message: 'Top-level components must be action rows',
      });
      return;
    }
    const children = Array.isArray(row.components) ? row.components : [];
    if (children.length === 0) {
      errors.push({
        path: join(rowAt, 'components'),
        code: 'BASE_TYPE_MIN_LENGTH',
        message: 'Must be 1 or more in length.',
      });
    }
    maxItems(errors, join(rowAt, 'components'), children, Limits.rowButtons);
    const hasSelect = children.some((child) => isObject(child) && child.type !== 2);
    if (hasSelect && children.length > 1) {
      errors.push({
        path: join(rowAt, 'components'),
        code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        message: 'The specified component exceeds the maximum width',
      });
    }
    children.forEach((child: unknown, childIndex) => {
      if (!isObject(child)) return;
      const at = join(join(rowAt, 'components'), childIndex);
      if (child.type === 2) {
        maxLength(errors, join(at, 'label'), child.label, Limits.buttonLabel);
        if (child.style === 5) required(errors, join(at, 'url'), child.url);
        else if (child.style !== 6) required(errors, join(at, 'custom_id'), child.custom_id);
        if (child.label === undefined && child.emoji === undefined) {
          errors.push({
            path: at,
            code: 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED',
            message: 'A label or emoji is required',
          });
        }
      } else {
        required(errors, join(at, 'custom_id'), child.custom_id);
        maxLength(errors, join(at, 'placeholder'), child.placeholder, Limits.selectPlaceholder);
        maxItems(errors, join(at, 'options'), child.options, Limits.selectOptions);
      }
      maxLength(errors, join(at, 'custom_id'), child.custom_id, Limits.customId);
      if (typeof child.custom_id === 'string') {
        if (customIds.has(child.custom_id)) {
          errors.push({
            path: join(at, 'custom_id'),
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: 'Component custom id cannot be duplicated',
          });
        }
        customIds.add(child.custom_id);
      }
    });
  });
}

/**
 * Returns the limit violations in a message body (create or edit; fields that are absent are not
 * checked). `path` is where the message sits in the request body: '' for channel messages and webhooks,
 * 'data' for interaction callbacks.
 */
export function checkMessageBody(body: unknown, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(body)) return errors;
  if (body.content !== undefined && body.content !== null && typeof body.content !== 'string') {
    errors.push({ path: join(path, 'content'), code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
  }
  maxLength(errors, join(path, 'content'), body.content, Limits.content);
  checkEmbeds(errors, join(path, 'embeds'), body.embeds);
  checkComponents(
    errors,
    join(path, 'components'),
    body.components,
    typeof body.flags === 'number' ? body.flags : 0,
  );
  return errors;
}

/** Returns the violations in an autocomplete result (`{ choices }`, at `data` in the callback body). */
export function checkAutocompleteBody(body: unknown, path = 'data'): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(body)) return errors;
  const choices = body.choices;
  if (!Array.isArray(choices)) {
    required(errors, join(path, 'choices'), undefined);
    return errors;
  }
  maxItems(errors, join(path, 'choices'), choices, Limits.choices);
  choices.forEach((choice: unknown, index) => {
    if (!isObject(choice)) return;
    const at = join(join(path, 'choices'), index);
    required(errors, join(at, 'name'), choice.name);
    maxLength(errors, join(at, 'name'), choice.name, Limits.choiceName);
    maxLength(errors, join(at, 'value'), choice.value, Limits.choiceValue);
  });
  return errors;
}

/** Returns the violations in a modal (`{ custom_id, title, components }`). */
export function checkModalBody(body: unknown, path = 'data'): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(body)) return errors;
  required(errors, join(path, 'title'), body.title);
  maxLength(errors, join(path, 'title'), body.title, Limits.modalTitle);
  required(errors, join(path, 'custom_id'), body.custom_id);
  maxLength(errors, join(path, 'custom_id'), body.custom_id, Limits.customId);
  maxItems(errors, join(path, 'components'), body.components, Limits.actionRows);
  return errors;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkCommandOptions(errors: FieldError[], path: string, options: unknown): void {
  if (!Array.isArray(options)) return;
  maxItems(errors, path, options, Limits.commandOptions);
  let seenOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, index) => {
    if (!isObject(option)) return;
    const at = join(path, index);
    checkCommandName(errors, join(at, 'name'), option.name);
    checkDescription(errors, join(at, 'description'), option.description);
    maxItems(errors, join(at, 'choices'), option.choices, Limits.choices);
    if (typeof option.name === 'string') {
      if (names.has(option.name)) {
        errors.push({
          path: join(at, 'name'),
          code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
          message: 'Option name already exists',
        });
      }
      names.add(option.name);
    }
    // Subcommands (1) and groups (2) have no `required`; for the rest Discord rejects a required option
    // after an optional one.
    if (option.type !== 1 && option.type !== 2) {
      if (option.required === true && seenOptional) {
        errors.push({
          path: join(at, 'required'),
          code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          message: 'Required options must be placed before non-required options',
        });
      }
      if (option.required !== true) seenOptional = true;
    }
    checkCommandOptions(errors, join(at, 'options'), option.options);
  });
}

function checkCommandName(errors: FieldError[], path: string, name: unknown): void {
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
    errors.push({
      path,
      code: 'APPLICATION_COMMAND_INVALID_NAME',
      message: `Command name is invalid`,
    });
  }
}

function checkDescription(errors: FieldError[], path: string, description: unknown): void {
  const size = length(description);
  if (size < 1 || size > Limits.commandDescription) {
    errors.push({
      path,
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between 1 and ${Limits.commandDescription} in length.`,
    });
  }
}

/** Returns the violations in a bulk-overwrite body for application commands (an array of commands). */
export function checkCommandsBody(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(body)) {
    return [{ path: '', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  }
  const names = new Set<string>();
  body.forEach((command: unknown, index) => {
    if (!isObject(command)) return;
    const at = String(index);
    const type = command.type ?? 1;
    if (type === 1) {
      checkCommandName(errors, join(at, 'name'), command.name);
      checkDescription(errors, join(at, 'description'), command.description);
      checkCommandOptions(errors, join(at, 'options'), command.options);
    } else {
      maxLength(errors, join(at, 'name'), command.name, Limits.commandName);
    }
    const key = `${String(type)}:${String(command.name)}`;
    if (names.has(key)) {
      errors.push({
        path: join(at, 'name'),
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'Application command names must be unique',
      });
    }
    names.add(key);
  });
  return errors;
}

/**
 * Returns Discord's nested `errors` object for a list of field errors:
 * `[{ path: 'data.content', ... }]` → `{ data: { content: { _errors: [{ code, message }] } } }`.
 */
export function nestErrors(errors: readonly FieldError[]): Json {
  const root: Json = {};
  for (const error of errors) {
    let node = root;
    for (const key of error.path === '' ? [] : error.path.split('.')) {
      const next = node[key];
      if (isObject(next)) {
        node = next;
      } else {
        const created: Json = {};
        node[key] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? node._errors : [];
    list.push({ code: error.code, message: error.message });
    node._errors = list;
  }
  return root;
}
