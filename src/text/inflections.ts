import { stem } from './analyzer.js';

/**
 * English words whose forms the Porter stemmer cannot join: irregular verbs ("won" / "win", "wrote" /
 * "written" / "write", "taught" / "teach") and irregular plurals ("men" / "man", "criteria" /
 * "criterion"). A question asks "Who won…?" of a sentence that says "…went on to win…". Each line is one
 * word's forms, base first. Left out: forms that are as often another word ("found", "left", "saw",
 * "lay", "felt", "rose", "fell", "bore", "born", "wound", "ground", "bound", "fed", "leaves", "media",
 * "bases", "lives"), and forms already stop words ("made", "said", "got", "became", "did", "told").
 */
const FORMS = `arise arose arisen|awake awoke awoken|beat beaten|begin began begun|bend bent|
bite bitten|bleed bled|blow blew blown|break broke broken|breed bred|bring brought|build built|burn burnt|
buy bought|catch caught|choose chose chosen|cling clung|come came|creep crept|deal dealt|dig dug|
draw drew drawn|dream dreamt|drink drank drunk|drive drove driven|eat ate eaten|fight fought|
flee fled|fling flung|fly flew flown|forbid forbade forbidden|foresee foresaw foreseen|forget forgot forgotten|
forgive forgave forgiven|freeze froze frozen|give gave given|go went gone|grow grew grown|hang hung|
hear heard|hide hid hidden|hold held|keep kept|kneel knelt|know knew known|lead led|leap leapt|learn learnt|
lend lent|light lit|lose lost|mean meant|meet met|mistake mistook mistaken|overcome overcame|
overtake overtook overtaken|overthrow overthrew overthrown|pay paid|ride rode ridden|ring rang rung|rise risen|
run ran|seek sought|see seen|sell sold|send sent|shake shook shaken|shine shone|shoot shot|shrink shrank shrunk|
sing sang sung|sink sank sunk|sit sat|slay slew slain|sleep slept|slide slid|speak spoke spoken|speed sped|
spend spent|spin spun|spring sprang sprung|stand stood|steal stole stolen|stick stuck|sting stung|
stride strode stridden|strike struck stricken|string strung|strive strove striven|swear swore sworn|
sweep swept|swim swam swum|swing swung|take took taken|teach taught|tear tore torn|think thought|
throw threw thrown|tread trod trodden|understand understood|undertake undertook undertaken|uphold upheld|
wake woke woken|wear wore worn|weave wove woven|weep wept|win won|withdraw withdrew withdrawn|withhold withheld|
withstand withstood|write wrote written|
man men|woman women|child children|person people|mouse mice|tooth teeth|goose geese|ox oxen|
wife wives|knife knives|wolf wolves|half halves|thief thieves|shelf shelves|calf calves|
crisis crises|analysis analyses|thesis theses|hypothesis hypotheses|diagnosis diagnoses|
phenomenon phenomena|criterion criteria|datum data|nucleus nuclei|radius radii|fungus fungi|
stimulus stimuli|alumnus alumni|bacterium bacteria|curriculum curricula|appendix appendices|
matrix matrices|cactus cacti|larva larvae|formula formulae|antenna antennae|genus genera|
spectrum spectra|stratum strata|symposium symposia|memorandum memoranda`;

let groups: Map<string, readonly string[]> | undefined;

function load(): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const line of FORMS.split('|')) {
    const terms = [...new Set(line.trim().split(/\s+/).filter(Boolean).map(stem))];
    if (terms.length < 2) continue;
    for (const t of terms) {
      const others = terms.filter((o) => o !== t);
      map.set(t, [...(map.get(t) ?? []), ...others]);
    }
  }
  return map;
}

/**
 * The other forms (as analyzed terms) of the word an analyzed term is a form of, when the stemmer does
 * not join them; empty for any other term.
 *
 * @example otherForms(stem('won')) // → ['win'];  otherForms(stem('wrote')) // → ['write', 'written']
 */
export function otherForms(term: string): readonly string[] {
  groups ??= load();
  return groups.get(term) ?? [];
}
