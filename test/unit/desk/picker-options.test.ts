/**
 * The pickers' options (desk/src/components/picker-options.ts): a "choose" line first, the current
 * value kept when it is no longer listed, then the people or partners grouped and sorted by name in
 * the person's language. Expected options written out by hand.
 */
import { pickerOptions } from '../../../desk/src/components/picker-options';

interface Person {
  id: string;
  name: string;
  role: string;
}
const people: Person[] = [
  { id: 'staff-3', name: 'Zineb Alaoui', role: 'supervisor' },
  { id: 'staff-1', name: 'Ahmed Benali', role: 'handler' },
  { id: 'staff-2', name: 'Élodie Martin', role: 'handler' },
];
const words = { pick: '— Choisir —', unlisted: (id: string) => `${id} (plus dans la liste)` };
const options = (current: string) =>
  pickerOptions(
    people,
    (p) => p.id,
    (p) => p.name,
    (p) => (p.role === 'handler' ? 'Travailleur social' : 'Superviseur'),
    current,
    words,
    'fr',
  );

it('lists the names grouped and sorted, submitting ids', () => {
  expect(options('staff-2')).toEqual([
    { value: '', label: '— Choisir —' },
    { group: 'Superviseur', items: [{ value: 'staff-3', label: 'Zineb Alaoui' }] },
    {
      group: 'Travailleur social',
      items: [
        { value: 'staff-1', label: 'Ahmed Benali' },
        // "É" sorts with "E" in French, before "Z", after "A".
        { value: 'staff-2', label: 'Élodie Martin' },
      ],
    },
  ]);
});

it('keeps a current value that is no longer listed (a deactivated assignee), marked', () => {
  expect(options('staff-9').slice(0, 2)).toEqual([
    { value: '', label: '— Choisir —' },
    { value: 'staff-9', label: 'staff-9 (plus dans la liste)' },
  ]);
});

it('offers only the "choose" line when nobody is listed', () => {
  expect(pickerOptions([], String, String, String, '', words, 'ar')).toEqual([
    { value: '', label: '— Choisir —' },
  ]);
});
