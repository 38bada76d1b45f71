/** Form pieces: every control labelled, the API's error for its path shown beside it. */
import { Checkbox, NativeSelect, Radio, Group, Stack, Textarea, TextInput } from '@mantine/core';
import type { Failure } from '../api/client';
import { useReasons } from '../i18n/reasons';

export interface FieldProps {
  label: string;
  /** The API's name for the field: `body.child.birthDate`. */
  path: string;
  failure: Failure | null;
  required?: boolean;
  description?: string;
  /** Also show the errors of the field's parts (a list typed in one box: body.axes[0].objectives[1]). */
  nested?: boolean;
  /** Errors the API gives elsewhere that this field answers (the birth date's, beside the estimated age). */
  alsoPaths?: readonly string[];
}

/** A select's option, or a group of them (shown as an optgroup). */
export type Choice =
  { value: string; label: string } | { group: string; items: { value: string; label: string }[] };

const ids = (path: string) => `field-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

export function TextField(
  p: FieldProps & {
    value: string;
    onChange(v: string): void;
    type?: string;
    multiline?: boolean;
    dir?: 'ltr' | 'rtl' | 'auto';
  },
) {
  const { fieldError } = useReasons();
  const common = {
    id: ids(p.path),
    name: p.path,
    label: p.label,
    description: p.description,
    required: p.required ?? false,
    error:
      [p.path, ...(p.alsoPaths ?? [])]
        .map((path, i) => fieldError(p.failure, path, i === 0 ? p.nested : false))
        .filter(Boolean)
        .join('; ') || undefined,
    value: p.value,
    dir: p.dir ?? 'auto',
  };
  return p.multiline ? (
    <Textarea {...common} autosize minRows={3} onChange={(e) => p.onChange(e.currentTarget.value)} />
  ) : (
    <TextInput {...common} type={p.type ?? 'text'} onChange={(e) => p.onChange(e.currentTarget.value)} />
  );
}

export function SelectField(p: FieldProps & { value: string; onChange(v: string): void; options: Choice[] }) {
  const { fieldError } = useReasons();
  return (
    <NativeSelect
      id={ids(p.path)}
      name={p.path}
      label={p.label}
      description={p.description}
      required={p.required ?? false}
      error={fieldError(p.failure, p.path, p.nested)}
      value={p.value}
      onChange={(e) => p.onChange(e.currentTarget.value)}
      data={p.options}
    />
  );
}

export function RadioField(
  p: FieldProps & { value: string; onChange(v: string): void; options: { value: string; label: string }[] },
) {
  const { fieldError } = useReasons();
  return (
    <Radio.Group
      id={ids(p.path)}
      name={p.path}
      label={p.label}
      description={p.description}
      withAsterisk={p.required ?? false}
      error={fieldError(p.failure, p.path, p.nested)}
      value={p.value}
      onChange={p.onChange}
    >
      <Group mt="xs">
        {p.options.map((o) => (
          <Radio key={o.value} value={o.value} label={o.label} />
        ))}
      </Group>
    </Radio.Group>
  );
}

export function CheckField(p: FieldProps & { checked: boolean; onChange(v: boolean): void }) {
  const { fieldError } = useReasons();
  return (
    <Checkbox
      id={ids(p.path)}
      name={p.path}
      label={p.label}
      error={fieldError(p.failure, p.path, p.nested)}
      checked={p.checked}
      onChange={(e) => p.onChange(e.currentTarget.checked)}
    />
  );
}

export function ChecksField(
  p: FieldProps & {
    value: string[];
    onChange(v: string[]): void;
    options: { value: string; label: string }[];
  },
) {
  const { fieldError } = useReasons();
  return (
    <Checkbox.Group
      id={ids(p.path)}
      label={p.label}
      description={p.description}
      withAsterisk={p.required ?? false}
      error={fieldError(p.failure, p.path, p.nested)}
      value={p.value}
      onChange={p.onChange}
    >
      <Stack gap={6} mt="xs" className="checks">
        {p.options.map((o) => (
          <Checkbox key={o.value} value={o.value} label={o.label} name={p.path} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
