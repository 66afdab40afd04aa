import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'>;

/**
 * A labelled input with an optional hint and problem below it, both tied to the input
 * (`aria-describedby`), the problem also marking it invalid.
 */
export function FormField({
  id,
  name,
  label,
  hint,
  problem,
  className,
  ...input
}: InputProps & {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  problem?: string;
}) {
  const described = [hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(' ');
  return (
    <div className={className ? `form-field ${className}` : 'form-field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint && (
        <span id={`${id}-hint`} className="form-hint">
          {hint}
        </span>
      )}
      {problem && (
        <span id={`${id}-problem`} className="form-problem">
          {problem}
        </span>
      )}
    </div>
  );
}

/** A labelled select of fixed options. */
export function SelectField({
  id,
  name,
  label,
  options,
  defaultValue,
}: {
  id: string;
  name: string;
  label: ReactNode;
  options: readonly { value: string; label: string }[];
  defaultValue?: string;
}) {
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
