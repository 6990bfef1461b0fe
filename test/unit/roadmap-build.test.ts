import { classifyResponsible } from '../../src/domain/roadmap/roadmap-build';

describe('who an item’s «Ответственный» names', () => {
  it.each([
    // Kinds of organization fan out to every organization of the territory.
    ['Руководители МОО', 'municipality', [['organizations', 'Руководители МОО']]],
    ['образовательные организации', 'municipality', [['organizations', 'образовательные организации']]],
    ['Образовательные организации ', 'region', [['organizations', 'Образовательные организации']]],
    // A body and a kind: the coordinators' own task and one per organization.
    ['МКУ «Ресурсный центр», образовательные организации', 'municipality', [['coordinator', 'МКУ «Ресурсный центр»'], ['organizations', 'образовательные организации']]],
    ['Бабкина И.Г Руководители МОО', 'municipality', [['coordinator', 'Бабкина И.Г'], ['organizations', 'Руководители МОО']]],
    // Municipal departments: each municipality of a regional roadmap; the owner itself in a municipal one.
    ['Муниципальные отделы образования РА', 'region', [['municipalities', 'Муниципальные отделы образования РА']]],
    ['муниципальные органы управления образования (по согласованию)', 'region', [['municipalities', 'муниципальные органы управления образования']]],
    ['Муниципальные отделы образования', 'municipality', [['coordinator', 'Муниципальные отделы образования']]],
    // Words inside a quoted name are a name, not a kind.
    ['ГАО ДПО «Институт развития образования Иркутской области»', 'municipality', [['coordinator', 'ГАО ДПО «Институт развития образования Иркутской области»']]],
    // One named school is a body of its own, not every organization.
    ['МКУ «Ресурсный центр», МКОУ «СОШ № 3 г. Бодайбо»', 'municipality', [['coordinator', 'МКУ «Ресурсный центр», МКОУ «СОШ № 3 г. Бодайбо»']]],
    ['', 'municipality', []],
  ] as const)('%s (%s roadmap)', (text, level, expected) => {
    expect(classifyResponsible(text, level).map((r) => [r.target, r.who])).toEqual(expected);
  });
});
