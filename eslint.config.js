import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.cache/**', '*.config.js', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../libs/*', '../../../libs/*', '**/libs/*/src/*'], message: 'Import libraries through their @guangfo/* alias.' },
          ],
        },
      ],
    },
  },
  {
    // The kernel is pure: no framework, no database, no other @guangfo library.
    files: ['libs/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../libs/*', '../../../libs/*', '**/libs/*/src/*'], message: 'Import libraries through their @guangfo/* alias.' },
            {
              group: ['@nestjs/*', 'typeorm', 'pg', '@guangfo/*'],
              message: '@guangfo/kernel is pure: no Nest, no database, no other library.',
            },
          ],
        },
      ],
    },
  },
);
