import { FIGURE_FIELDS, type Colour, type IndicatorValue } from '../domain/indicators/indicators';
import type { FiguresView } from '../domain/indicators/indicators.service';
import type { TFunction } from './i18n';

/** 66,7% in Russian, 66.7% in English; a count as it is. */
export function indicatorValueText(t: TFunction, v: IndicatorValue, language: string): string {
  if (v.value === null) return t('indicators.no_data');
  const number = v.value.toLocaleString(language === 'en' ? 'en-GB' : 'ru-RU', { maximumFractionDigits: 1 });
  return v.def.unit === 'percent' ? `${number}%` : number;
}

/** One indicator as a line: mark, number, short name, value, target and from when it applies. */
export function indicatorLine(t: TFunction, v: IndicatorValue, language: string): string {
  return t('indicators.line', {
    mark: t(`indicators.mark.${v.colour}`),
    n: v.def.n,
    name: t(`indicators.names.${v.def.n}`),
    value: indicatorValueText(t, v, language),
    target: v.def.unit === 'percent' ? `${v.def.target}%` : String(v.def.target),
    by: v.def.by === 'first' ? t('indicators.by_first') : t('indicators.by_year', { year: v.def.by }),
  });
}

export function basisText(t: TFunction, v: IndicatorValue): string {
  return t(`indicators.basis.${v.basis.key}`, v.basis.params);
}

export function colourCounts(values: IndicatorValue[]): Record<Exclude<Colour, 'na'>, number> {
  const counts = { green: 0, amber: 0, red: 0, none: 0 };
  for (const v of values) if (v.colour !== 'na') counts[v.colour]++;
  return counts;
}

/** «🔴4 🔴9 🟡14»: the numbers of the indicators below target, or '' when none is. */
export function belowTarget(t: TFunction, values: IndicatorValue[]): string {
  return values
    .filter((v) => v.colour === 'red' || v.colour === 'amber')
    .map((v) => `${t(`indicators.mark.${v.colour}`)}${v.def.n}`)
    .join(' ');
}

/**
 * The whole list: a summary line, then each applicable indicator with its value, target and how it was computed;
 * those that do not apply at this level on one line at the end.
 */
export function indicatorsText(t: TFunction, title: string, values: IndicatorValue[], language: string, level: 'school' | 'territory'): string {
  const lines = [title, t('indicators.summary', colourCounts(values)), ''];
  for (const v of values.filter((x) => x.colour !== 'na')) lines.push(indicatorLine(t, v, language), `   ${basisText(t, v)}`);
  // What does not apply here, grouped by why: «— 11, 15: пока ни одна организация не ведёт программ».
  const na = new Map<string, { numbers: number[]; reason: string }>();
  for (const v of values.filter((x) => x.colour === 'na')) {
    const reason = basisText(t, v);
    na.set(reason, { reason, numbers: [...(na.get(reason)?.numbers ?? []), v.def.n] });
  }
  if (na.size > 0) {
    lines.push('', t('indicators.na_title'));
    for (const { numbers, reason } of na.values()) lines.push(t('indicators.na_line', { list: numbers.join(', '), reason }));
  }
  lines.push('', t('indicators.legend'), t(level === 'school' ? 'indicators.hint_school' : 'indicators.hint_territory'));
  return lines.join('\n');
}

/** The territory figures as a coordinator reads them: entered, summed from municipalities, or not entered. */
export function figuresText(t: TFunction, name: string, figures: FiguresView, language: string): string {
  const format = (n: number) => n.toLocaleString(language === 'en' ? 'en-GB' : 'ru-RU');
  const lines = [t('indicators.figures.title', { name })];
  for (const field of FIGURE_FIELDS) {
    const own = figures.own[field];
    const effective = figures.effective[field];
    const value =
      own !== undefined
        ? format(own)
        : effective !== undefined
          ? t('indicators.figures.from_municipalities', { value: format(effective) })
          : t('indicators.figures.not_entered');
    lines.push(t('indicators.figures.line', { field: t(`indicators.figures.fields.${field}`), value }));
  }
  return lines.join('\n');
}
