import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The issuing-authority lists of every city (发证机关 → credential types): this city's own, written
 * from its seed at start, and the other cities', replicated from their registry streams. A
 * verifier accepts a credential only when its issuer is on the issuing city's list for its type.
 */
export class IssuingAuthorities1764806460000 implements MigrationInterface {
  name = 'IssuingAuthorities1764806460000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credentials.issuing_authority (
        issuer_city      text NOT NULL,
        body_code        text NOT NULL,
        body_name        text NOT NULL,
        credential_types text[] NOT NULL,
        sequence         bigint NOT NULL,
        PRIMARY KEY (issuer_city, body_code)
      )`);
    // The stream position of the list each city last published (a replaced list is applied only when newer).
    await q.query(`ALTER TABLE credentials.registry_stream ADD COLUMN authorities_sequence bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE credentials.registry_stream DROP COLUMN authorities_sequence`);
    await q.query(`DROP TABLE credentials.issuing_authority`);
  }
}
