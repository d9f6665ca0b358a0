import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `medical` (异地就医直接结算). A node plays both parts: insured city (参保地: persons, 备案, annual cap ledger and its
 * grants, copies of the settlements made elsewhere) and treating city (就医地: replicated 备案, allowances, hospitals, visits,
 * fee lines, settlements, reconciliation, clearing statements). Money in integer fen (bigint).
 */
export class MedicalInit1796601600010 implements MigrationInterface {
  name = 'MedicalInit1796601600010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA medical`);
    await q.query(`
      CREATE TABLE medical.policy (
        city            text NOT NULL,
        version         text NOT NULL,
        effective_from  date NOT NULL,
        source          text NOT NULL,
        demo            boolean NOT NULL,
        body            jsonb NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (city, version)
      )`);
    await q.query(`
      CREATE TABLE medical.catalogue (
        city            text NOT NULL,
        version         text NOT NULL,
        effective_from  date NOT NULL,
        source          text NOT NULL,
        demo            boolean NOT NULL,
        body            jsonb NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (city, version)
      )`);
    await q.query(`
      CREATE TABLE medical.hospital (
        partner_id      text PRIMARY KEY,
        city_code       text NOT NULL,
        hospital_code   text NOT NULL UNIQUE,
        name            text NOT NULL,
        level           text NOT NULL CHECK (level IN ('primary', 'secondary', 'tertiary'))
      )`);
    await q.query(`
      CREATE TABLE medical.person (
        id                  uuid PRIMARY KEY,
        insured_city        text NOT NULL,
        person_key          text NOT NULL,
        id_number_sealed    text NOT NULL,
        name_sealed         text NOT NULL,
        account_balance_fen bigint CHECK (account_balance_fen >= 0),
        created_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (insured_city, person_key)
      )`);
    await q.query(`
      CREATE TABLE medical.filing (
        id             uuid PRIMARY KEY,
        person_id      uuid NOT NULL REFERENCES medical.person (id),
        insured_city   text NOT NULL,
        treating_city  text NOT NULL,
        kind           text NOT NULL,
        valid_from     date NOT NULL,
        valid_to       date,
        cancelled_on   date,
        late           boolean NOT NULL,
        recorded_at    timestamptz NOT NULL,
        recorded_by    text NOT NULL,
        origin         text NOT NULL CHECK (origin IN ('own', 'replica'))
      )`);
    await q.query(`CREATE INDEX filing_person ON medical.filing (person_id, treating_city)`);
    await q.query(`
      CREATE TABLE medical.cap_ledger (
        person_id  uuid NOT NULL REFERENCES medical.person (id),
        year       int NOT NULL,
        pot        text NOT NULL CHECK (pot IN ('hifp', 'acct')),
        cap_fen    bigint NOT NULL CHECK (cap_fen >= 0),
        PRIMARY KEY (person_id, year, pot)
      )`);
    await q.query(`
      CREATE TABLE medical.cap_grant (
        person_id    uuid NOT NULL,
        year         int NOT NULL,
        pot          text NOT NULL,
        city         text NOT NULL,
        granted_fen  bigint NOT NULL CHECK (granted_fen >= 0),
        PRIMARY KEY (person_id, year, pot, city),
        FOREIGN KEY (person_id, year, pot) REFERENCES medical.cap_ledger (person_id, year, pot)
      )`);
    await q.query(`
      CREATE TABLE medical.allowance (
        person_id     uuid NOT NULL,
        year          int NOT NULL,
        pot           text NOT NULL CHECK (pot IN ('hifp', 'acct')),
        insured_city  text NOT NULL,
        granted_fen   bigint NOT NULL DEFAULT 0,
        consumed_fen  bigint NOT NULL DEFAULT 0,
        requested_at  timestamptz,
        PRIMARY KEY (person_id, year, pot),
        CHECK (consumed_fen >= 0 AND consumed_fen <= granted_fen)
      )`);
    await q.query(`
      CREATE TABLE medical.visit (
        id             uuid PRIMARY KEY,
        hospital_code  text NOT NULL,
        partner_id     text NOT NULL,
        person_id      uuid NOT NULL REFERENCES medical.person (id),
        filing_id      uuid NOT NULL REFERENCES medical.filing (id),
        insured_city   text NOT NULL,
        visit_type     text NOT NULL CHECK (visit_type IN ('outpatient', 'inpatient')),
        begun_on       date NOT NULL,
        state          text NOT NULL CHECK (state IN ('open', 'settled', 'cancelled')),
        msgid          text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (hospital_code, msgid)
      )`);
    await q.query(`
      CREATE TABLE medical.fee_line (
        visit_id        uuid NOT NULL REFERENCES medical.visit (id),
        line_no         int NOT NULL,
        code            text NOT NULL,
        name            text NOT NULL,
        quantity        int NOT NULL CHECK (quantity >= 1),
        unit_price_fen  bigint NOT NULL CHECK (unit_price_fen >= 0),
        PRIMARY KEY (visit_id, line_no)
      )`);
    await q.query(`
      CREATE TABLE medical.settlement (
        id                 uuid PRIMARY KEY,
        visit_id           uuid NOT NULL REFERENCES medical.visit (id),
        hospital_code      text NOT NULL,
        person_id          uuid NOT NULL,
        filing_id          uuid NOT NULL,
        insured_city       text NOT NULL,
        visit_type         text NOT NULL,
        hospital_level     text NOT NULL,
        standing           text NOT NULL,
        ratio_bp           int NOT NULL,
        settled_on         date NOT NULL,
        settled_at         timestamptz NOT NULL,
        reversed_on        date,
        state              text NOT NULL CHECK (state IN ('settled', 'reversed')),
        fund_fen           bigint NOT NULL CHECK (fund_fen >= 0),
        acct_fen           bigint NOT NULL CHECK (acct_fen >= 0),
        cash_fen           bigint NOT NULL CHECK (cash_fen >= 0),
        total_fen          bigint NOT NULL,
        totals             jsonb NOT NULL,
        lines              jsonb NOT NULL,
        shortfall          jsonb,
        policy_version     text NOT NULL,
        catalogue_version  text NOT NULL,
        msgid              text NOT NULL,
        reversal_msgid     text,
        UNIQUE (hospital_code, msgid),
        CHECK (fund_fen + acct_fen + cash_fen = total_fen)
      )`);
    await q.query(`CREATE UNIQUE INDEX settlement_live_per_visit ON medical.settlement (visit_id) WHERE state = 'settled'`);
    await q.query(`CREATE INDEX settlement_clearing ON medical.settlement (insured_city, settled_on)`);
    await q.query(
      `CREATE INDEX settlement_reversal_clearing ON medical.settlement (insured_city, reversed_on) WHERE reversed_on IS NOT NULL`,
    );
    await q.query(`CREATE INDEX settlement_hospital_day ON medical.settlement (hospital_code, settled_on)`);
    await q.query(`
      CREATE TABLE medical.settlement_copy (
        settlement_id  uuid PRIMARY KEY,
        treating_city  text NOT NULL,
        person_id      uuid NOT NULL,
        hospital_code  text NOT NULL,
        settled_on     date NOT NULL,
        reversed_on    date,
        fund_fen       bigint NOT NULL,
        acct_fen       bigint NOT NULL,
        total_fen      bigint NOT NULL,
        totals         jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX settlement_copy_clearing ON medical.settlement_copy (treating_city, settled_on)`);
    // 检查检验结果互认: a test report presented as a credential at a visit, verified against this city's replicated registry.
    await q.query(`
      CREATE TABLE medical.test_result (
        id               uuid PRIMARY KEY,
        visit_id         uuid NOT NULL REFERENCES medical.visit (id),
        credential_id    text,
        credential_type  text,
        issuer_city      text,
        issuer_code      text,
        recognised       boolean NOT NULL,
        reasons          text[] NOT NULL,
        warnings         text[] NOT NULL,
        checked_at       timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE medical.reconciliation (
        id             uuid PRIMARY KEY,
        hospital_code  text NOT NULL,
        day            date NOT NULL,
        infno          text NOT NULL CHECK (infno IN ('3201', '3202')),
        matched        boolean NOT NULL,
        submitted      jsonb NOT NULL,
        result         jsonb NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE medical.statement (
        id             uuid PRIMARY KEY,
        treating_city  text NOT NULL,
        insured_city   text NOT NULL,
        period         text NOT NULL,
        role           text NOT NULL CHECK (role IN ('treating', 'insured')),
        advance_fen    bigint NOT NULL,
        proof          jsonb,
        totals         jsonb,
        confirmed_at   timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (treating_city, insured_city, period, role)
      )`);
    await q.query(`
      CREATE TABLE medical.statement_item (
        statement_id    uuid NOT NULL REFERENCES medical.statement (id),
        settlement_id   uuid NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('claim', 'reversal')),
        fund_fen        bigint NOT NULL,
        account_fen     bigint NOT NULL,
        total_fen       bigint NOT NULL,
        contest_reason  text,
        contest_note    text,
        answer_outcome  text CHECK (answer_outcome IN ('upheld', 'withdrawn')),
        answer_note     text,
        PRIMARY KEY (statement_id, settlement_id, kind)
      )`);
    // Confirmed statements are immutable: corrections go to the next period.
    await q.query(`
      CREATE FUNCTION medical.refuse_confirmed_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'statement' THEN
          IF OLD.confirmed_at IS NOT NULL THEN RAISE EXCEPTION 'statement % is confirmed and immutable', OLD.id; END IF;
        ELSIF EXISTS (SELECT 1 FROM medical.statement s WHERE s.id = OLD.statement_id AND s.confirmed_at IS NOT NULL) THEN
          RAISE EXCEPTION 'statement % is confirmed and immutable', OLD.statement_id;
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(
      `CREATE TRIGGER statement_immutable BEFORE UPDATE OR DELETE ON medical.statement FOR EACH ROW EXECUTE FUNCTION medical.refuse_confirmed_change()`,
    );
    await q.query(
      `CREATE TRIGGER statement_item_immutable BEFORE UPDATE OR DELETE ON medical.statement_item FOR EACH ROW EXECUTE FUNCTION medical.refuse_confirmed_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA medical CASCADE`);
  }
}
