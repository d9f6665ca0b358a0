import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '@guangfo/kernel';
import { NODE_CONFIG, type NodeConfig, type PartnerPrincipal } from '@guangfo/platform';
import type { SettlementTotals } from '@guangfo/contracts';
import { medicalError } from '../medical.errors.js';
import type { ApplicationTotals } from '../domain/clearing-application.js';
import { ClearingApplicationService, type ClearingApplicationView } from './clearing-application.service.js';
import { CumulativeService } from './cumulative.service.js';
import { HospitalFileService } from './hospital-file.service.js';
import { SettlementService, type SettlementView } from './settlement.service.js';
import { fenToYuan, signedYuanToFen, yuanToFen } from './yuan.js';

export interface NationalEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  signtype?: string;
  input: Record<string, unknown>;
}

export interface NationalReply {
  infcode: 0;
  inf_refmsgid: string;
  refmsg_time: string;
  err_msg: '';
  output: Record<string, unknown>;
}

export { fenToYuan, yuanToFen };

const mdtrtId = z.uuid();
const inputs = {
  person: z.object({ data: z.object({ mdtrt_cert_type: z.string().optional(), mdtrt_cert_no: z.string().length(18) }) }),
  visit: z.object({ data: z.object({ mdtrt_cert_no: z.string().length(18), begntime: z.string().optional() }) }),
  mdtrt: z.object({ data: z.object({ mdtrt_id: mdtrtId, acct_used_flag: z.enum(['0', '1']).optional() }) }),
  withdraw: z.object({ data: z.object({ mdtrt_id: mdtrtId, feedetl_sn: z.string().min(1).max(30) }) }),
  fees: z.object({
    feedetail: z
      .array(
        z.object({
          feedetl_sn: z.string().regex(/^\d{1,5}$/),
          mdtrt_id: mdtrtId,
          med_list_codg: z.string().min(1).max(50),
          medins_list_name: z.string().max(200).optional(),
          cnt: z.union([z.number(), z.string()]),
          pric: z.union([z.number(), z.string()]),
        }),
      )
      .min(1)
      .max(2_000),
  }),
  reversal: z.object({ data: z.object({ setl_id: z.uuid(), mdtrt_id: mdtrtId.optional() }) }),
  correction: z.object({
    data: z.object({ omsgid: z.string().length(30), oinfno: z.enum(['2201', '2401', '2207', '2304']), psn_no: z.string().optional() }),
  }),
  cumulative: z.object({ data: z.object({ psn_no: z.uuid(), year: z.number().int().min(2000).max(2100).optional() }) }),
  clearingApply: z.object({
    data: z.object({
      begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      enddate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      fixmedins_setl_cnt: z.number().int().optional(),
      medfee_sumamt: z.union([z.number(), z.string()]).optional(),
      fund_pay_sumamt: z.union([z.number(), z.string()]).optional(),
      acct_pay: z.union([z.number(), z.string()]).optional(),
      psn_cash_pay: z.union([z.number(), z.string()]).optional(),
    }),
  }),
  clearingReverse: z.object({ data: z.object({ clr_appy_evt_id: z.uuid() }) }),
  // 9101: the file as base64 in `in` (the JSON body is at most 1 MB: larger files go through POST /medical/files).
  upload: z.object({
    fsUploadIn: z.object({
      in: z.string().min(1).max(1_400_000),
      filename: z.string().min(1).max(255),
      fixmedins_code: z.string().optional(),
    }),
  }),
  download: z.object({
    fsDownloadIn: z.object({ file_qury_no: z.uuid(), filename: z.string().max(255).optional(), fixmedins_code: z.string().optional() }),
  }),
};

/** infno → what it does. Outpatient and inpatient share the resources (the visit type tells them apart). */
const INFNO = {
  '1101': 'person',
  '2201': 'register-outpatient',
  '2401': 'register-inpatient',
  '2202': 'cancel-visit',
  '2404': 'cancel-visit',
  '2204': 'upload',
  '2301': 'upload',
  '2205': 'withdraw',
  '2302': 'withdraw',
  '2206': 'pre-settle',
  '2303': 'pre-settle',
  '2207': 'settle',
  '2304': 'settle',
  '2208': 'reverse',
  '2305': 'reverse',
  '2601': 'correct',
  '3203': 'clearing-apply',
  '3204': 'clearing-reverse',
  '5206': 'cumulative',
  '9101': 'file-upload',
  '9102': 'file-download',
} as const;
export const SUPPORTED_INFNO = Object.keys(INFNO);

/**
 * The national interface envelope (医疗保障信息平台 定点医药机构接口规范: infno, msgid, mdtrtarea_admvs, insuplc_admdvs, signtype, input)
 * on top of the REST resources: the same services, the same rules, amounts in yuan at the edge and fen inside.
 */
@Injectable()
export class NationalEnvelopeService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly settlements: SettlementService,
    private readonly clock: Clock,
    private readonly applications: ClearingApplicationService,
    private readonly cumulativeFigures: CumulativeService,
    private readonly files: HospitalFileService,
  ) {}

  async handle(p: PartnerPrincipal, env: NationalEnvelope): Promise<NationalReply> {
    const op = INFNO[env.infno as keyof typeof INFNO];
    if (!op) throw medicalError('MEDICAL_INFNO_UNSUPPORTED', { detail: `infno ${env.infno}; supported: ${SUPPORTED_INFNO.join(' ')}` });
    if (env.mdtrtarea_admvs !== this.config.cityCode)
      throw medicalError('MEDICAL_AREA_MISMATCH', {
        detail: `mdtrtarea_admvs ${env.mdtrtarea_admvs}: this node settles for ${this.config.cityCode}`,
      });
    const h = await this.settlements.hospital(p);
    this.settlements.checkMsgid(h, env.msgid);
    const output = await this.run(p, op, env);
    const now = this.clock.now();
    return {
      infcode: 0,
      inf_refmsgid: env.msgid,
      refmsg_time: now
        .toISOString()
        .replace(/[-:TZ.]/g, '')
        .slice(0, 17),
      err_msg: '',
      output,
    };
  }

  private async run(p: PartnerPrincipal, op: (typeof INFNO)[keyof typeof INFNO], env: NationalEnvelope): Promise<Record<string, unknown>> {
    switch (op) {
      case 'person': {
        const i = this.parse(inputs.person, env.input);
        const info = await this.settlements.personInfo(p, i.data.mdtrt_cert_no);
        return {
          baseinfo: { psn_no: info.personId, psn_name: info.name, certno: info.idNumber, psn_cert_type: '01' },
          insuinfo: [{ insuplc_admdvs: info.insuredCity, insutype: '310', balc: fenToYuan(info.allowance.accountAvailableFen) }],
          idetinfo: info.filings.map((f) => ({
            dcla_id: f.id,
            kind: f.kind,
            begndate: f.validFrom,
            enddate: f.validTo,
            cancelled_on: f.cancelledOn,
            valid_today: f.coversToday,
          })),
          allowance: { year: info.allowance.year, hifp_available: fenToYuan(info.allowance.fundAvailableFen) },
        };
      }
      case 'register-outpatient':
      case 'register-inpatient': {
        const i = this.parse(inputs.visit, env.input);
        const begunOn = i.data.begntime ? i.data.begntime.slice(0, 10) : undefined;
        const v = await this.settlements.registerVisit(p, {
          idNumber: i.data.mdtrt_cert_no,
          visitType: op === 'register-outpatient' ? 'outpatient' : 'inpatient',
          ...(begunOn ? { begunOn } : {}),
          msgid: env.msgid,
          insuredCity: env.insuplc_admdvs,
        });
        return { data: { mdtrt_id: v.id, psn_no: v.personId, ipt_otp_no: v.id } };
      }
      case 'cancel-visit': {
        const i = this.parse(inputs.mdtrt, env.input);
        await this.checkInsured(p, i.data.mdtrt_id, env);
        const v = await this.settlements.cancelVisit(p, i.data.mdtrt_id);
        return { data: { mdtrt_id: v.id, state: v.state } };
      }
      case 'upload': {
        const i = this.parse(inputs.fees, env.input);
        const ids = [...new Set(i.feedetail.map((f) => f.mdtrt_id))];
        if (ids.length !== 1) throw medicalError('MEDICAL_FEE_LINES_INVALID', { detail: 'one mdtrt_id per upload' });
        await this.checkInsured(p, ids[0]!, env);
        const lines = i.feedetail.map((f) => {
          const unitPriceFen = yuanToFen(f.pric);
          const quantity = Number(f.cnt);
          if (unitPriceFen === undefined || !Number.isInteger(quantity) || quantity < 1)
            throw medicalError('MEDICAL_FEE_LINES_INVALID', {
              detail: `line ${f.feedetl_sn}: pric is yuan with at most 2 decimals, cnt a whole number ≥ 1`,
            });
          return {
            lineNo: Number(f.feedetl_sn),
            code: f.med_list_codg,
            name: f.medins_list_name ?? f.med_list_codg,
            quantity,
            unitPriceFen,
          };
        });
        const v = await this.settlements.uploadLines(p, ids[0]!, lines);
        return {
          result: v.lines.map((l) => ({
            feedetl_sn: String(l.lineNo),
            det_item_fee_sumamt: fenToYuan(l.quantity * l.unitPriceFen),
            cnt: l.quantity,
            pric: fenToYuan(l.unitPriceFen),
          })),
        };
      }
      case 'withdraw': {
        const i = this.parse(inputs.withdraw, env.input);
        await this.checkInsured(p, i.data.mdtrt_id, env);
        const nos = i.data.feedetl_sn === '0000' ? null : i.data.feedetl_sn.split(',').map(Number);
        if (nos?.some((n) => !Number.isInteger(n)))
          throw medicalError('MEDICAL_FEE_LINES_INVALID', { detail: 'feedetl_sn: line numbers, or 0000 for all' });
        const v = await this.settlements.withdrawLines(p, i.data.mdtrt_id, nos);
        return { data: { mdtrt_id: v.id, remaining: v.lines.length } };
      }
      case 'pre-settle': {
        const i = this.parse(inputs.mdtrt, env.input);
        await this.checkInsured(p, i.data.mdtrt_id, env);
        return { setlinfo: this.setlinfo(await this.settlements.preSettle(p, i.data.mdtrt_id, i.data.acct_used_flag !== '0')) };
      }
      case 'settle': {
        const i = this.parse(inputs.mdtrt, env.input);
        await this.checkInsured(p, i.data.mdtrt_id, env);
        const { view } = await this.settlements.settle(p, i.data.mdtrt_id, env.msgid, i.data.acct_used_flag !== '0');
        return { setlinfo: this.setlinfo(view) };
      }
      case 'reverse': {
        const i = this.parse(inputs.reversal, env.input);
        const s = await this.settlements.getSettlement(p, i.data.setl_id);
        if (s.insuredCity !== env.insuplc_admdvs) throw medicalError('MEDICAL_AREA_MISMATCH', { detail: `insured at ${s.insuredCity}` });
        const { view } = await this.settlements.reverse(p, i.data.setl_id, env.msgid);
        return { setlinfo: this.setlinfo(view) };
      }
      case 'correct': {
        // 2601 冲正: undo the transaction sent with msgid omsgid — a settlement (2207/2304) is reversed, a registration
        // (2201/2401) cancelled — with this envelope's msgid as the reversal's idempotency key.
        const i = this.parse(inputs.correction, env.input);
        if (i.data.oinfno === '2207' || i.data.oinfno === '2304') {
          const s = await this.settlements.settlementByMsgid(p, i.data.omsgid);
          if (s.insuredCity !== env.insuplc_admdvs) throw medicalError('MEDICAL_AREA_MISMATCH', { detail: `insured at ${s.insuredCity}` });
          const { view } = await this.settlements.reverse(p, s.id!, env.msgid);
          return { data: { omsgid: i.data.omsgid, oinfno: i.data.oinfno, setl_id: view.id, state: view.state } };
        }
        const v = await this.settlements.visitByMsgid(p, i.data.omsgid);
        if (v.insuredCity !== env.insuplc_admdvs) throw medicalError('MEDICAL_AREA_MISMATCH', { detail: `insured at ${v.insuredCity}` });
        const cancelled = await this.settlements.cancelVisit(p, v.id);
        return { data: { omsgid: i.data.omsgid, oinfno: i.data.oinfno, mdtrt_id: cancelled.id, state: cancelled.state } };
      }
      case 'cumulative': {
        // 5206 人员累计信息: the insured city's cap and grant, and this city's own use (CumulativeService).
        const i = this.parse(inputs.cumulative, env.input);
        const c = await this.cumulativeFigures.figures(p, i.data.psn_no, i.data.year);
        const yuanOrNull = (fen: number | null) => (fen === null ? null : fenToYuan(fen));
        return {
          cumulative: c.pots.map((x) => ({
            pot: x.pot,
            year: c.year,
            granted: fenToYuan(x.insuredCity.grantedFen),
            used: fenToYuan(x.treatingCity.consumedFen),
            returned: fenToYuan(x.treatingCity.returnedFen),
            available: fenToYuan(x.treatingCity.availableFen),
            cap: yuanOrNull(x.insuredCity.capFen),
            used_elsewhere_at_most: yuanOrNull(x.elsewhereAtMostFen),
            source: {
              cap: 'insured-city',
              granted: 'insured-city',
              used: 'treating-city',
              returned: 'treating-city',
              available: 'treating-city',
            },
          })),
          setl_sum: {
            source: 'treating-city',
            setl_cnt: c.settledHere.count,
            medfee_sumamt: fenToYuan(c.settledHere.medfeeFen),
            fund_pay_sumamt: fenToYuan(c.settledHere.fundFen),
            acct_pay: fenToYuan(c.settledHere.acctFen),
            psn_cash_pay: fenToYuan(c.settledHere.cashFen),
          },
          insuplc_admdvs: c.insuredCity,
          policy_version: c.policyVersion,
        };
      }
      case 'clearing-apply': {
        // 3203 清算申请: the hospital's sums are optional; when sent (yuan, a leading minus allowed) they must equal the agency's.
        const i = this.parse(inputs.clearingApply, env.input);
        const d = i.data;
        const declared: Record<string, number> = {};
        for (const [field, key] of [
          ['medfeeFen', 'medfee_sumamt'],
          ['fundFen', 'fund_pay_sumamt'],
          ['acctFen', 'acct_pay'],
          ['cashFen', 'psn_cash_pay'],
        ] as const) {
          if (d[key] === undefined) continue;
          const fen = signedYuanToFen(d[key]);
          if (fen === undefined)
            throw medicalError('MEDICAL_INVALID_REQUEST', {
              detail: `${key}: yuan with at most 2 decimals`,
              fieldErrors: [{ field: `input.data.${key}`, rule: 'isYuan', message: 'invalid' }],
            });
          declared[field] = fen;
        }
        if (d.fixmedins_setl_cnt !== undefined) declared.count = d.fixmedins_setl_cnt;
        const { view } = await this.applications.apply(p, {
          beginOn: d.begndate,
          endOn: d.enddate,
          msgid: env.msgid,
          ...(Object.keys(declared).length ? { declared } : {}),
        });
        return { data: this.clearingData(view) };
      }
      case 'clearing-reverse': {
        // 3204 清算申请撤销, with this envelope's msgid as the reversal's idempotency key.
        const i = this.parse(inputs.clearingReverse, env.input);
        const { view } = await this.applications.reverse(p, i.data.clr_appy_evt_id, env.msgid);
        return { data: this.clearingData(view) };
      }
      case 'file-upload': {
        // 9101 文件上传: a 3202 detail file, base64 in `in`.
        const i = this.parse(inputs.upload, env.input);
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(i.fsUploadIn.in))
          throw medicalError('MEDICAL_INVALID_REQUEST', { detail: 'fsUploadIn.in is the file in base64' });
        const f = await this.files.upload(p, { bytes: Buffer.from(i.fsUploadIn.in, 'base64'), fileName: i.fsUploadIn.filename });
        return { file_qury_no: f.fileId, filename: f.fileName, file_size: f.sizeBytes, sha256: f.sha256, lines: f.lines };
      }
      case 'file-download': {
        // 9102 文件下载: a file of this hospital (its upload or a 3202 result), base64 in `out`.
        const i = this.parse(inputs.download, env.input);
        const { view, bytes } = await this.files.download(p, i.fsDownloadIn.file_qury_no);
        return {
          file_qury_no: view.fileId,
          filename: view.fileName,
          file_size: view.sizeBytes,
          sha256: view.sha256,
          out: bytes.toString('base64'),
        };
      }
    }
  }

  private clearingData(v: ClearingApplicationView): Record<string, unknown> {
    const sums = (t: ApplicationTotals) => ({
      fixmedins_setl_cnt: t.count,
      medfee_sumamt: fenToYuan(t.medfeeFen),
      fund_pay_sumamt: fenToYuan(t.fundFen),
      acct_pay: fenToYuan(t.acctFen),
      psn_cash_pay: fenToYuan(t.cashFen),
      clr_appy_sumamt: fenToYuan(t.claimFen),
    });
    return {
      clr_appy_evt_id: v.id,
      state: v.state,
      begndate: v.beginOn,
      enddate: v.endOn,
      ...sums(v.totals),
      by_insuplc_admdvs: Object.fromEntries(Object.entries(v.byInsuredCity).map(([city, t]) => [city, sums(t)])),
      reversal_msgid: v.reversalMsgid,
    };
  }

  private async checkInsured(p: PartnerPrincipal, visitId: string, env: NationalEnvelope): Promise<void> {
    const v = await this.settlements.getVisit(p, visitId);
    if (v.insuredCity !== env.insuplc_admdvs)
      throw medicalError('MEDICAL_AREA_MISMATCH', { detail: `insuplc_admdvs ${env.insuplc_admdvs}: insured at ${v.insuredCity}` });
  }

  private setlinfo(s: SettlementView): Record<string, unknown> {
    const t: SettlementTotals = s.totals;
    return {
      setl_id: s.id,
      mdtrt_id: s.visitId,
      setl_state: s.state,
      ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fenToYuan(v)])),
      hifp_ratio: s.ratioBp / 10_000,
      fund_shortfall: s.shortfall ? { amount: fenToYuan(s.shortfall.fen), reason: s.shortfall.reason, explain: s.shortfall.explain } : null,
    };
  }

  private parse<T>(schema: z.ZodType<T>, input: unknown): T {
    const r = schema.safeParse(input);
    if (!r.success)
      throw medicalError('MEDICAL_INVALID_REQUEST', {
        detail: 'input does not match the transaction',
        fieldErrors: r.error.issues.map((i) => ({ field: `input.${i.path.join('.')}`, rule: i.code, message: i.message })),
      });
    return r.data;
  }
}
