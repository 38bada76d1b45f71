/**
 * Choosing a person or a partner service by name instead of typing an id. Until the organisation
 * routes are there (GET /staff, GET /partners), the choice is typed as the id.
 */
import { TextField, type FieldProps } from './fields';

interface PickerProps extends FieldProps {
  value: string;
  onChange(v: string): void;
  province: string;
}

export function StaffPicker({ staffRole, province, ...p }: PickerProps & { staffRole: string }) {
  void staffRole;
  void province;
  return <TextField {...p} dir="ltr" />;
}

export function PartnerPicker({ province, ...p }: PickerProps) {
  void province;
  return <TextField {...p} dir="ltr" />;
}
