/**
 * Line rules by vocabulary: small, generic word lists of what a news page puts around an article (player
 * controls, newsletter boxes, cookie notices, share buttons, related-headline lists, advertisements,
 * copyright footers, photo credits). Each rule also looks at the line's shape, so that a sentence of the
 * article that happens to use one of the words ("the firm's newsletter…") is not taken for the widget.
 */
import type { LineShape } from './shape.js';

/** The verdict of a vocabulary rule on one line. */
export interface VocabularyMatch {
  rule: string;
  /** The line heads a list of headlines ("Related", "Most popular"): what follows is boilerplate too. */
  opensList?: boolean;
  /** The line heads the readers' comments: once the article has begun, nothing after it is article. */
  endsArticle?: boolean;
  /** The line is nothing but a photo credit ("GETTY", "Jane Doe/Reuters"). */
  credit?: boolean;
}

const LEAD = /^[-–—•*·▪►▶■◦⌂👤✉⚙]+\s*/u;
const TRAIL = /\s*[:»›>|.…]+$/;
/** A line ends a sentence: `.`, `!`, `?` or `…`, possibly inside closing quotes or brackets. */
const FULL_STOP = /[.!?…]["'”’»)\]]*$/;

const TIME = String.raw`\(?\d{1,2}(?::\d{2}){1,2}\)?`;
const TIMESTAMP = new RegExp(String.raw`^(?:${TIME})(?:\s*\/\s*${TIME})?$`);
const PLAYER_WORDS =
  'play|pause|replay|resume|mute|unmute|next|up next|now playing|playing|watch|watch now|watch again|watch live|' +
  'watch video|play video|play audio|play all|play now|play episode|full ?screen|exit full ?screen|skip ad|' +
  'captions?|captions (?:on|off)|captions not available|closed captions?|video settings|video quality|' +
  'autoplay|autoplay (?:on|off)|loading video|video|audio|live|duration';
const PLAYER = new RegExp(String.raw`^(?:${PLAYER_WORDS})\s*(?:${TIME})?$`, 'i');
// "Your video will play in 00:25", "Video duration 2:31": short, no sentence end, a time and a media word.
const PLAYER_NOTICE = new RegExp(String.raw`\b(?:video|clip|player|episode|audio)\b.*\b${TIME}$`, 'i');
const MEDIA_LABEL = /^(?:video|watch|audio|listen|gallery|in pictures|photos)\s*[:|–-]\s*\S/i;

const ADVERTISEMENT =
  /^\[?(?:(?:advertisements?|advertising|advert|ad)\s*[·•|:–-]\s*.{1,40}|advertisements?|advertising|advert|ads?|sponsored(?: (?:content|links?|stories|post|by\b.*))?|paid (?:partner|content|post|for by\b.*)|promoted(?: (?:content|stories|by\b.*))?|partner (?:content|offers?)|(?:story|article) continues (?:below|after)(?: (?:the )?advertisement)?|continue reading(?: (?:below|the main story|after (?:the )?advertisement))?|ad ?choices(?: \S+)?|ad feedback|report (?:this )?ad|skip advert(?:isement)?|advertise(?: with us)?|close ad|remove ads)\]?$/i;

const SHARE =
  /^(?:share|shares|\d+ shares?|share this(?: \w+)?|tweet|retweet|e-?mail|print|pin(?: it)?|whatsapp|facebook|twitter|x|linkedin|reddit|pinterest|tumblr|messenger|telegram|flipboard|google\+|copy(?: the)? link|link copied|share (?:on|via|to|with|by)\b.*|(?:follow|like|find) (?:us|me)\b.*|follow (?:on|@)\b.*|on (?:facebook|twitter|instagram|tumblr|google\+|youtube|linkedin)|hide comments|reuse this content|gift (?:this )?article|connect with us)$/i;
const FOLLOW = /^follow\b/i;
// "By Jane Doe and John Roe", "Reporting by …; Editing by …": who wrote the article, not what it says.
const BYLINE =
  /^(?:by [\p{Lu}][^.!?]{0,60}$|(?:additional )?(?:reporting|writing|editing|compiled|produced|research) by\b)/iu;
const COMMENTS_HEADING =
  /^(?:(?:view|show|read|see|load) (?:all )?)?(?:\d[\d,]* )?(?:comments?|responses?|replies|reader comments)(?: \(\d[\d,]*\))?(?: (?:on|to) .{1,120})?$|^(?:leave a (?:comment|reply)(?: cancel reply)?|post a comment|add (?:a|your) comment|join the (?:conversation|discussion)|have your say|comments are closed|what do you think\?*|discussion)$/i;

const NEWSLETTER_WORDS =
  /\b(?:newsletters?|subscribe|subscribers? only|subscription|sign[- ]?up|signing up|inbox|e-?mail address|unsubscribe|recaptcha|register now|create (?:an |your )?(?:free )?account)\b/i;
const BOX_VOICE =
  /^(?:sign up|subscribe|get|join|enter|register|never miss|stay (?:informed|updated|up to date)|don't miss|by (?:signing|subscribing|clicking|registering|entering|submitting))\b|\b(?:our|your) (?:newsletter|inbox|privacy|e-?mail)|\bthank you for (?:signing|subscribing)|\bprivacy (?:policy|notice)\b|(?:subscribe|sign up)$/i;

const COOKIE_WORDS = /\bcookies?\b/i;
const COOKIE_VOICE = /\b(?:we|our|you|your|accept|consent|settings|preferences|policy|tracking|browser)\b/i;
const LEGAL_LINKS =
  /\b(?:privacy (?:policy|notice|settings|statement|centre|center)|terms (?:of (?:use|service|sale)|and conditions|& conditions)|manage (?:preferences|consent|cookies)|do not sell my)\b/i;

const PODCAST =
  /\bpodcasts?\b|\bstart listening\b|\blisten (?:now|live|to (?:this|these|the|our))\b|^listen\b/i;

const COPYRIGHT = /©|\(c\) ?(?:19|20)\d\d|\bcopyright\b|\ball rights reserved\b/i;

const NAVIGATION =
  /^(?:home|menu|main menu|navigation|toggle navigation|open menu|close menu|close|open|search|go|submit|done|cancel|back|log ?in|log ?out|sign ?in|sign ?out|register|log in sign up|sign in or register|my account|account|profile|my details|settings|skip to\b.*|back to top|top|jump to\b.*|show more|show less|load more|see more|view more|more|less|view all|see all\b.*|all sections|sections|topics|tags|categories|archives?|about(?: us)?|contact(?: us)?|faq|help|careers|jobs|sitemap|site map|site index|rss(?: feeds?)?|newer posts?|older posts?|next (?:post|article|story|page)|previous (?:post|article|story|page)|home ?page|edition|subscribe|donate|contribute|support us|today'?s paper|e-?paper|terms|privacy|accessibility|upgrade(?: to premium)?|premium)$/i;
const TAG_LIST = /^(?:tags|labels|filed under|topics|categories|posted in|related topics|more about)\s*:/i;
// "Terms | Privacy | Jobs", "Home > World > Europe": three or more items in a row of separators.
const LINK_ROW = /^[^|›»>•·]{1,40}(?:\s[|›»>•·]\s[^|›»>•·]{1,40}){2,}$/;

const RELATED_HEADING =
  /^(?:related(?: (?:articles?|stories|content|news|topics|coverage|links|posts|reading|videos?|searches))?|more (?:from|on|in|about) .{1,40}|more (?:stories|news|articles|headlines|videos?)|most (?:popular|read|viewed|shared|watched|emailed|commented)(?: .{1,30})?|(?:you|we think you) (?:may|might) (?:also )?like|recommended(?: for you| stories| reading| videos?)?|read (?:more|next|this next)|(?:top|latest|trending|popular) (?:stories|news|headlines|articles|posts|videos?)|trending(?: now)?|what to read next|also read|see also|further reading|in other news|around the web|from the web|from around the web|editor'?s picks|in case you missed it|other people are reading|people also (?:read|viewed)|news latest|latest|.{0,40}\bin pictures|(?:photo |picture )?galler(?:y|ies)|\d+ show all)$/i;
const RELATED_INLINE =
  /^(?:read more|related|see also|also read|read also|read next|more on this(?: story)?|related (?:article|story|content|coverage))\s*[:|–-]\s*\S/i;

const AGENCY_ANY_CASE =
  'getty(?: ?images)?(?: news)?|reuters|afp|epa(?:-efe)?|efe|ansa|xinhua|shutterstock|alamy(?: stock photo)?|istock(?:photo)?|bloomberg|corbis|dpa|anadolu(?: agency)?|sipa(?: usa)?|zuma(?: press| wire)?|nurphoto|imago|rex(?:\\/shutterstock)?';
const AGENCY_UPPER = 'AP(?: Photo)?|PA(?: Wire| Media| Images)?';
const AGENCY_END = new RegExp(`(?:^|[\\s/(,])(?:${AGENCY_ANY_CASE})\\)?$`, 'i');
const AGENCY_END_UPPER = new RegExp(`(?:^|[\\s/(,])(?:${AGENCY_UPPER})\\)?$`);
const CREDIT_LABEL =
  /^\(?(?:photo(?:graph)?s?|images?|pictures?|credits?|photo credit|image credit|illustration|main image|top image)\s*:/i;
// A credit glued to the caption before it, as a copy of `<figcaption>Text<span>Getty</span>` gives.
const AGENCY_GLUED =
  'Getty(?: ?Images)?|GETTY(?: IMAGES)?|Reuters|REUTERS|AFP|EPA|Shutterstock|SHUTTERSTOCK|Alamy|ALAMY|' +
  'Bloomberg|Xinhua|iStock|AP(?: Photo)?|PA(?: Wire| Media| Images)?';
const GLUED_CREDIT = new RegExp(`[\\p{Ll}\\d)”’"'](?:${AGENCY_GLUED})(?:\\s*(?:via|/)\\s*\\S+)*$`, 'u');
const GLUED_CREDIT_WORD =
  /[\p{Ll}\d.)”’"](?:(?:Credit|Photograph|Photo|Picture|Image):\s*\S|Credit(?:Credit)?\p{Lu})/u;
const TRAILING_CREDIT = /\s(?:Credit|Photograph|Photo|Picture|Image)s?\s*:\s*[^.!?]{1,80}$/;

const DATE_PREFIX = /^(?:(?:first |last )?(?:published|updated|posted|modified|edited)(?: on| at)?:?\s*)/i;
const DATE_TOKEN =
  /^(?:\d{1,4}(?:st|nd|rd|th)?[,.]?|\d{1,2}[:.]\d{2}(?:[ap]\.?m\.?)?,?|\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}|[ap]\.?m\.?|(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?,?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?|at|on|ago|(?:min(?:ute)?|h(?:ou)?r|day|week|month)s?|gmt|utc|bst|cet|est|edt|pst|pdt|et|pt|ct|[•|·,–-])$/i;

/**
 * "Published On 3 Feb 2024", "Updated 2 hours ago": when the page stamped its article. A bare date
 * ("Tuesday, 1 March") can be text — the date of a match in a list of fixtures — and is left to context.
 */
export function isDateStamp(text: string): boolean {
  const body = text.replace(DATE_PREFIX, '');
  const stamped = body.length < text.length || /\bago$/i.test(text);
  const tokens = body.split(' ').filter(Boolean);
  if (!stamped || tokens.length === 0 || tokens.length > 10 || !/\d/.test(text)) return false;
  return tokens.every((token) => DATE_TOKEN.test(token));
}

const SOURCE = /^(?:\(?sources?\s*:\s*\S|.{0,60}\|\s*sources?\s*:\s*\S)/i;

/** Whether the line is nothing but a photo credit: "GETTY", "PA", "Jane Doe/Getty Images", "Credit: AFP". */
export function isCreditLine(text: string, shape: LineShape): boolean {
  if (shape.words > 8 || FULL_STOP.test(text)) return false;
  if (CREDIT_LABEL.test(text)) return true;
  const agencyEnd = AGENCY_END.test(text) || AGENCY_END_UPPER.test(text);
  return agencyEnd && (shape.words <= 4 || /[/]|\bvia\b/.test(text));
}

/** Whether the line is a photo caption recognisable by itself: a credit glued to it, or the page doubled it. */
export function isSelfEvidentCaption(text: string, shape: LineShape): boolean {
  if (shape.words > 45) return false;
  if (GLUED_CREDIT_WORD.test(text) || TRAILING_CREDIT.test(text)) return true;
  const glued = GLUED_CREDIT.exec(text);
  if (glued && !FULL_STOP.test(text.slice(0, glued.index + 1))) return true;
  const withoutCredit = glued ? text.slice(0, glued.index + 1) : text;
  return isDoubled(withoutCredit);
}

/** "Vladimir PutinVladimir Putin", "A man walks A man walks": a caption the page printed twice. */
function isDoubled(text: string): boolean {
  const n = text.length;
  if (n < 8) return false;
  const half = Math.floor(n / 2);
  if (n % 2 === 0 && text.slice(0, half) === text.slice(half)) return true;
  return n % 2 === 1 && text[half] === ' ' && text.slice(0, half) === text.slice(half + 1);
}

/**
 * The vocabulary rule a line falls under, if any. `text` is the normalised line; `shape` its measure.
 * Returns `undefined` for a line no rule claims (most of the article).
 */
export function matchVocabulary(text: string, shape: LineShape): VocabularyMatch | undefined {
  const core = text.replace(LEAD, '').replace(TRAIL, '').trim();
  const sentence = FULL_STOP.test(text);
  if (core === '') return { rule: 'navigation' };
  if (shape.words <= 25 && COMMENTS_HEADING.test(core)) return { rule: 'comments', endsArticle: true };
  if (shape.words <= 12 && !sentence) {
    const short = matchShortLine(core, text, shape);
    if (short) return short;
  }
  return matchBox(text, shape, sentence);
}

/** Rules for short unpunctuated lines: widgets, buttons, menu items, headings of link lists. */
function matchShortLine(core: string, text: string, shape: LineShape): VocabularyMatch | undefined {
  if (TIMESTAMP.test(core) || PLAYER.test(core) || PLAYER_NOTICE.test(core) || MEDIA_LABEL.test(core)) {
    return { rule: 'player' };
  }
  if (ADVERTISEMENT.test(core)) return { rule: 'advertisement' };
  if (BYLINE.test(core)) return { rule: 'byline' };
  if (isDateStamp(core)) return { rule: 'date' };
  if (SHARE.test(core) || (FOLLOW.test(core) && shape.words <= 5)) return { rule: 'share' };
  if (RELATED_HEADING.test(core)) return { rule: 'related', opensList: true };
  if (NAVIGATION.test(core) || LINK_ROW.test(core) || TAG_LIST.test(core)) return { rule: 'navigation' };
  if (SOURCE.test(core) && shape.words <= 12) return { rule: 'source' };
  if (isCreditLine(text, shape)) return { rule: 'credit', credit: true };
  if (isSelfEvidentCaption(text, shape)) return { rule: 'caption' };
  return undefined;
}

/** Rules for boxes whose text can run to a sentence or more: newsletter, cookies, podcasts, footers. */
function matchBox(text: string, shape: LineShape, sentence: boolean): VocabularyMatch | undefined {
  if (shape.words <= 30 && NEWSLETTER_WORDS.test(text) && (shape.words <= 6 || BOX_VOICE.test(text))) {
    return { rule: 'newsletter' };
  }
  if (shape.words <= 120 && COOKIE_WORDS.test(text) && COOKIE_VOICE.test(text)) return { rule: 'cookie' };
  if (shape.words <= 30 && LEGAL_LINKS.test(text) && (!sentence || /\b(?:our|you|your)\b/i.test(text))) {
    return { rule: 'cookie' };
  }
  if (shape.words <= 15 && !sentence && PODCAST.test(text)) return { rule: 'podcast' };
  if (
    shape.words <= 40 &&
    COPYRIGHT.test(text) &&
    (!sentence || /©|all rights reserved|^copyright/i.test(text))
  ) {
    return { rule: 'copyright' };
  }
  if (shape.words <= 30 && RELATED_INLINE.test(text)) return { rule: 'related' };
  if (shape.words <= 30 && BYLINE.test(text) && /^(?:additional |reporting|writing|editing)/i.test(text)) {
    return { rule: 'byline' };
  }
  if (shape.words <= 45 && !sentence && isSelfEvidentCaption(text, shape)) return { rule: 'caption' };
  if (shape.words <= 45 && sentence && (GLUED_CREDIT_WORD.test(text) || TRAILING_CREDIT.test(text))) {
    return { rule: 'caption' };
  }
  return undefined;
}
