import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { FIGURE_FIELDS, type Colour, type IndicatorValue } from '../indicators/indicators';
import type { Territory } from '../people/access';
import { addBanksSheets } from '../mshn/mshn-file';
import { exportColumns, pairCells, pairLines } from '../register/register-file';
import { showDay, todayIn } from '../register/register-input';
import { FORMS } from '../register/register.types';
import type { RoadmapItem, Task } from '../roadmap/roadmap.types';
import type { Services } from '../services';

/** The steps of building a report, for a progress message. */
export const REPORT_STEPS = ['roadmap', 'register', 'indicators', 'monitoring', 'banks', 'writing'] as const;
export type ReportStep = (typeof REPORT_STEPS)[number];

export interface ReportOptions {
  t: TFunction;
  /** The territory's calendar day: overdue is counted against it, and it names the file. */
  today: string;
  timeZone: string;
  onStep?: (step: ReportStep, index: number, of: number) => Promise<void> | void;
}

const FILL: Record<string, string> = {
  accepted: 'FFC6EFCE',
  submitted: 'FFE2F0D9',
  returned: 'FFFFEB9C',
  overdue: 'FFFFC7CE',
  green: 'FFC6EFCE',
  amber: 'FFFFEB9C',
  red: 'FFFFC7CE',
  none: 'FFEDEDED',
};


function fill(cell: ExcelJS.Cell, key: string | undefined) {
  if (key && FILL[key]) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[key] } };
}

function header(sheet: ExcelJS.Worksheet, titles: { title: string; width: number }[]) {
  sheet.columns = titles.map((c) => ({ header: c.title, width: c.width }));
  const row = sheet.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'top', wrapText: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/** A file name with the territory and the date: «Отчёт ЦМН г. Бодайбо и район 24.11.2026.xlsx». */
export function reportFileName(t: TFunction, territory: string, today: string): string {
  const name = t('report.file_name', { territory, date: showDay(today) });
  return `${name.replace(/[\\/:*?"<>|«»]+/g, ' ').replace(/\s+/g, ' ').trim()}.xlsx`;
}

/** A task's cell in the roadmap matrix: what happened to it and when, and its colour key. */
function taskCell(t: TFunction, task: Task, today: string, timeZone: string): { text: string; colour?: string } {
  // The day of the last submission or review in the territory's zone (a review at 23:00 UTC is tomorrow in Irkutsk).
  const last = (list: { at: Date }[]) => {
    const at = list.at(-1)?.at;
    return at ? todayIn(timeZone, new Date(at)) : undefined;
  };
  switch (task.status) {
    case 'accepted':
      return { text: t('report.cell.accepted', { date: showDay(last(task.reviews) ?? today) }), colour: 'accepted' };
    case 'submitted':
      return { text: t('report.cell.submitted', { date: showDay(last(task.submissions) ?? today) }), colour: 'submitted' };
    case 'returned':
      return task.due && task.due < today
        ? { text: t('report.cell.returned_overdue', { date: showDay(last(task.reviews) ?? today) }), colour: 'overdue' }
        : { text: t('report.cell.returned', { date: showDay(last(task.reviews) ?? today) }), colour: 'returned' };
    default:
      return task.due && task.due < today ? { text: t('report.cell.overdue', { due: showDay(task.due) }), colour: 'overdue' } : { text: t('report.cell.open') };
  }
}

/**
 * One XLSX of a territory for the region: its roadmaps as a matrix of items × organizations with status and
 * dates, the register, the 15 target indicators (a region's also per municipality), the monitoring answers and the
 * School of Mentoring's banks. `onStep` is told before each step, for a progress message.
 */
export async function buildTerritoryReport(services: Services, scope: Territory, options: ReportOptions): Promise<Buffer> {
  const { t, today } = options;
  const steps = REPORT_STEPS.length;
  const step = async (name: ReportStep) => options.onStep?.(name, REPORT_STEPS.indexOf(name) + 1, steps);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ЦМН';
  const organizations = (await services.territory.organizationsIn(scope)).sort((a, b) => a.shortName.localeCompare(b.shortName, 'ru', { numeric: true }));
  const municipalities = scope.level === 'region' ? await services.territory.listMunicipalities({ regionId: scope.id }) : [];
  const orgNames = new Map(organizations.map((o) => [o.id, o.shortName]));

  // 1. The roadmaps: a row per item and due day, a column per party.
  await step('roadmap');
  const matrix = workbook.addWorksheet(t('report.sheets.roadmap'));
  const parties = [
    ...(scope.level === 'region' ? municipalities.map((m) => ({ id: m.id, name: m.name })) : []),
    ...organizations.map((o) => ({ id: o.id, name: o.shortName })),
  ];
  const coordinatorColumn = { id: scope.id, name: t('report.coordinator') };
  const columns = [coordinatorColumn, ...parties];
  header(matrix, [
    { title: t('report.roadmap.title'), width: 28 },
    { title: t('report.roadmap.number'), width: 7 },
    { title: t('report.roadmap.name'), width: 50 },
    { title: t('report.roadmap.deadline'), width: 24 },
    { title: t('report.roadmap.due'), width: 12 },
    { title: t('report.roadmap.done'), width: 12 },
    ...columns.map((c) => ({ title: c.name, width: 18 })),
  ]);
  matrix.views = [{ state: 'frozen', ySplit: 1, xSplit: 6 }];
  // A municipality's report shows its own roadmaps and its region's, the latter with its own parties' tasks only
  // (its schools, and the municipality itself in the coordinator's column).
  const regionId = scope.level === 'municipality' ? (await services.territory.describeScope(scope))?.region.id : undefined;
  const roadmaps = await services.roadmap.roadmapsOf(regionId ? [scope.id, regionId] : [scope.id]);
  roadmaps.sort((a, b) => Number(a.owner.id !== scope.id) - Number(b.owner.id !== scope.id));
  const ours = new Set(columns.map((c) => c.id));
  for (const roadmap of roadmaps) {
    const items = await services.roadmap.itemsOf(roadmap.id);
    // The region's roadmap is read for this municipality only (one equality query, not the whole region's tasks).
    const all = roadmap.owner.id === scope.id ? await services.roadmap.tasksOfRoadmap(roadmap.id) : await services.roadmap.tasksOfRoadmapIn(roadmap.id, scope.id);
    const tasks = all.filter((x) => ours.has(x.target.id));
    if (roadmap.owner.id !== scope.id && tasks.length === 0) continue;
    const byItem = new Map<string, Task[]>();
    for (const task of tasks) byItem.set(task.itemId, [...(byItem.get(task.itemId) ?? []), task]);
    const rows: { item: RoadmapItem; due: string | null; tasks: Map<string, Task> }[] = [];
    for (const item of items) {
      const dues = [...new Set((byItem.get(item.id) ?? []).map((x) => x.due))].sort((a, b) => (a ?? '9999').localeCompare(b ?? '9999'));
      for (const due of dues.length > 0 ? dues : [null]) {
        rows.push({ item, due, tasks: new Map((byItem.get(item.id) ?? []).filter((x) => x.due === due).map((x) => [x.target.id, x])) });
      }
    }
    for (const r of rows) {
      const done = [...r.tasks.values()].filter((x) => x.status === 'submitted' || x.status === 'accepted').length;
      const row = matrix.addRow([roadmap.title, r.item.number.replace(/\.$/, ''), r.item.name, r.item.deadline, r.due ? showDay(r.due) : t('report.no_due'), `${done} / ${r.tasks.size}`]);
      row.alignment = { vertical: 'top', wrapText: true };
      columns.forEach((c, i) => {
        const task = r.tasks.get(c.id);
        if (!task) return;
        const cell = row.getCell(7 + i);
        const { text, colour } = taskCell(t, task, today, options.timeZone);
        cell.value = text;
        fill(cell, colour);
      });
    }
  }
  if (matrix.rowCount === 1) matrix.addRow([t('report.roadmap.none')]);

  // 2. The register: every pair of the territory, as the name mode keeps names.
  await step('register');
  // The /export's columns and words, school by school in the order of the matrix.
  const register = workbook.addWorksheet(t('report.sheets.register'));
  const nameMode = services.register.nameMode;
  const registerColumns = exportColumns(nameMode);
  header(register, [{ title: t('report.register.organization'), width: 28 }, ...registerColumns.map((c) => ({ title: c.header, width: c.width }))]);
  registerColumns.forEach((c, i) => {
    if (c.date) register.getColumn(2 + i).numFmt = 'dd.mm.yyyy';
  });
  const source = { pairBatches: services.register.pairBatches, peopleByIds: services.register.peopleByIds, peopleOfSchool: services.register.peopleOfSchool };
  const filter = scope.level === 'municipality' ? { municipalityId: scope.id } : { regionId: scope.id };
  let pairs = 0;
  for await (const { pair, mentor, mentee } of pairLines(source, { schoolIds: organizations.map((o) => o.id), filter })) {
    pairs++;
    register.addRow([orgNames.get(pair.schoolId) ?? '', ...pairCells(pair, mentor, mentee, nameMode)]);
  }
  if (pairs === 0) register.addRow([t('report.register.none')]);

  // 3. The indicators, how each was computed, and the territory figures behind them.
  await step('indicators');
  const indicators = workbook.addWorksheet(t('report.sheets.indicators'));
  header(indicators, [
    { title: '№', width: 5 },
    { title: t('report.indicators.name'), width: 60 },
    { title: t('report.indicators.target'), width: 12 },
    { title: t('report.indicators.by'), width: 16 },
    { title: t('report.indicators.value'), width: 12 },
    { title: t('report.indicators.mark'), width: 16 },
    { title: t('report.indicators.numerator'), width: 12 },
    { title: t('report.indicators.denominator'), width: 12 },
    { title: t('report.indicators.basis'), width: 70 },
  ]);
  const valueOf = (v: IndicatorValue) => (v.value === null ? (v.colour === 'na' ? '—' : t('indicators.no_data')) : v.def.unit === 'percent' ? v.value / 100 : v.value);
  // A region's own indicators and each municipality's come from one read of its register.
  const view = scope.level === 'region' ? await services.indicators.regionView(scope.id) : { region: await services.indicators.forTerritory(scope), municipalities: [] };
  for (const v of view.region) {
    const row = indicators.addRow([
      v.def.n,
      t(`indicators.full.${v.def.n}`),
      v.def.unit === 'percent' ? v.def.target / 100 : v.def.target,
      v.def.by === 'first' ? t('indicators.by_first') : t('indicators.by_year', { year: v.def.by }),
      valueOf(v),
      t(`report.colour.${v.colour}`),
      v.numerator ?? '',
      v.denominator ?? '',
      t(`indicators.basis.${v.basis.key}`, v.basis.params),
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    if (v.def.unit === 'percent') {
      row.getCell(3).numFmt = '0%';
      if (typeof row.getCell(5).value === 'number') row.getCell(5).numFmt = '0.0%';
    }
    fill(row.getCell(6), v.colour);
  }
  const figures = await services.indicators.figuresOf(scope);
  indicators.addRow([]);
  indicators.addRow(['', t('report.indicators.figures')]).font = { bold: true };
  for (const field of FIGURE_FIELDS) indicators.addRow(['', t(`indicators.figures.fields.${field}`), figures.effective[field] ?? t('indicators.figures.not_entered')]);
  if (scope.level === 'region') {
    const byMunicipality = workbook.addWorksheet(t('report.sheets.indicators_by_municipality'));
    const list = view.municipalities;
    header(byMunicipality, [{ title: t('report.municipality'), width: 30 }, ...Array.from({ length: 15 }, (_, i) => ({ title: String(i + 1), width: 9 }))]);
    for (const m of list) {
      const row = byMunicipality.addRow([m.name, ...m.values.map(valueOf)]);
      m.values.forEach((v, i) => {
        const cell = row.getCell(2 + i);
        if (typeof cell.value === 'number' && v.def.unit === 'percent') cell.numFmt = '0.0%';
        fill(cell, v.colour as Colour);
      });
    }
  }

  // 4. The monitoring: every school's answers, newest quarter first.
  await step('monitoring');
  const monitoring = workbook.addWorksheet(t('report.sheets.monitoring'));
  header(monitoring, [
    { title: t('report.monitoring.organization'), width: 28 },
    { title: t('report.monitoring.quarter'), width: 10 },
    { title: t('report.monitoring.answered'), width: 12 },
    { title: t('report.monitoring.programmes'), width: 12 },
    ...FORMS.map((f) => ({ title: t(`register.form.${f}`), width: 14 })),
    { title: t('report.monitoring.went_well'), width: 40 },
    { title: t('report.monitoring.obstacles'), width: 40 },
    { title: t('report.monitoring.satisfaction'), width: 14 },
    { title: t('report.monitoring.site'), width: 14 },
    { title: t('report.monitoring.assessment'), width: 14 },
  ]);
  const answers = (await services.monitoring.answersIn(scope)).sort(
    (a, b) => b.answer.quarter.localeCompare(a.answer.quarter) || (orgNames.get(a.schoolId) ?? '').localeCompare(orgNames.get(b.schoolId) ?? '', 'ru', { numeric: true }),
  );
  const yes = (v: boolean) => (v ? t('report.yes') : t('report.no'));
  for (const { schoolId, answer: a } of answers) {
    const row = monitoring.addRow([
      orgNames.get(schoolId) ?? '',
      a.quarter,
      showDay(todayIn(options.timeZone, new Date(a.answeredAt))),
      a.programmes,
      ...FORMS.map((f) => a.participants[f] ?? 0),
      a.wentWell ?? '',
      a.obstacles ?? '',
      a.satisfaction,
      yes(a.siteSection),
      yes(a.independentAssessment),
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
  }
  if (answers.length === 0) monitoring.addRow([t('report.monitoring.none')]);
  else {
    // Who has not answered the latest quarter, listed after the answers.
    const latest = answers.reduce((q, a) => (a.answer.quarter > q ? a.answer.quarter : q), '');
    const answered = new Set(answers.filter((a) => a.answer.quarter === latest).map((a) => a.schoolId));
    for (const o of organizations.filter((x) => !answered.has(x.id))) {
      const row = monitoring.addRow([o.shortName, latest, t('report.monitoring.no_answer')]);
      fill(row.getCell(3), 'overdue');
    }
  }

  // 5. The School of Mentoring's banks (seed 004).
  await step('banks');
  addBanksSheets(workbook, await services.mshn.bankRows(scope), { timeZone: options.timeZone });

  await step('writing');
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
