import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCivilDate } from '@guangfo/kernel';

/**
 * A real civil date written YYYY-MM-DD — not 2026-02-30 nor a 13th month, which a pattern lets through and
 * PostgreSQL then refuses as a cast (a 500). The one check every request field holding a date uses.
 */
export const IsCivilDate = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCivilDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCivilDate(value),
        defaultMessage: () => '$property must be a real date written YYYY-MM-DD',
      },
    },
    options,
  );
