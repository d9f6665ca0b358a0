import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { CumulativeService, type CumulativeView } from '../application/cumulative.service.js';
import { DETAIL_FILE_MAX_BYTES, HospitalFileService, type HospitalFileView } from '../application/hospital-file.service.js';
import { medicalError } from '../medical.errors.js';
import { CumulativeQueryDto, CumulativeViewDto } from './dto/cumulative.dto.js';
import { HospitalFileViewDto } from './dto/hospital-file.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const HOSPITAL = { scopes: ['medical:settle'] };
const partner = (p: Principal): PartnerPrincipal => p as PartnerPrincipal; // @Access(HOSPITAL) admits partner keys only

/** What multer's memory storage hands the route (field `file`). */
interface UploadedDetailFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}
/** One file of at most DETAIL_FILE_MAX_BYTES in memory (413 beyond), no other parts of note. */
const UPLOAD = FileInterceptor('file', {
  limits: { fileSize: DETAIL_FILE_MAX_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
  defParamCharset: 'utf8',
});

/** 9101 / 9102 (the 3202 detail file and its result) and 5206 (a person's cumulative figures), for this city's hospitals. */
@ApiTags('medical')
@Controller('medical')
export class HospitalFileController {
  constructor(
    private readonly files: HospitalFileService,
    private readonly cumulative: CumulativeService,
  ) {}

  @Post('files')
  @HttpCode(201)
  @Access(HOSPITAL)
  @UseInterceptors(UPLOAD)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: '3202 detail file: UTF-8 CSV with its header, at most 20 MiB' },
      },
    },
  })
  @MedicalEndpoint(
    '9101: upload a 3202 detail file; the answer’s fileId (file_qury_no) is named in 3202',
    { status: 201, type: HospitalFileViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_INVALID_REQUEST', 'MEDICAL_FILE_INVALID'],
    'Checked before it is stored: UTF-8 text without control characters (not a PDF or image), the 3202 header, every line a setl_id, kind and four yuan amounts. 413 beyond 20 MiB.',
  )
  async upload(@CurrentPrincipal() p: Principal, @UploadedFile() file: UploadedDetailFile | undefined): Promise<HospitalFileView> {
    if (!file?.buffer) throw medicalError('MEDICAL_INVALID_REQUEST', { detail: 'send multipart/form-data with the file in field "file"' });
    return this.files.upload(partner(p), { bytes: file.buffer, fileName: file.originalname, declaredType: file.mimetype });
  }

  @Get('files/:id')
  @Access(HOSPITAL)
  @ApiParam({ name: 'id', description: 'File id (file_qury_no): an upload of this hospital or a 3202 resultFileId' })
  @MedicalEndpoint(
    '9102: download a file of this hospital (its 3202 detail file or the agency’s result); audited',
    {
      status: 200,
      description: 'text/csv; x-guangfo-sha256 and content-disposition set',
    },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_FILE_NOT_FOUND'],
  )
  async download(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => medicalError('MEDICAL_FILE_NOT_FOUND', { detail: 'file ids are UUIDs' }) }))
    id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { view, bytes } = await this.files.download(partner(p), id);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('x-guangfo-sha256', view.sha256);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('content-disposition', `attachment; filename="${view.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"`);
    return new StreamableFile(bytes);
  }

  @Get('persons/:id/cumulative')
  @Access(HOSPITAL)
  @ApiParam({ name: 'id', description: 'The person id (psn_no) 1101 answered', example: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d' })
  @MedicalEndpoint(
    '5206: a person’s cumulative figures of a year here — the insured city’s cap and grant, this city’s own use (audited)',
    { status: 200, type: CumulativeViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_PERSON_INVALID', 'MEDICAL_NOT_REGISTERED', 'MEDICAL_INVALID_REQUEST'],
    'Answered from what this node holds, without asking the insured city: each figure says whose knowledge it is. What the person used in the insured city or elsewhere is not known here; it is at most cap − granted.',
  )
  person(
    @CurrentPrincipal() p: Principal,
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => medicalError('MEDICAL_PERSON_INVALID', { detail: 'person ids (psn_no) are UUIDs' }) }),
    )
    id: string,
    @Query() q: CumulativeQueryDto,
  ): Promise<CumulativeView> {
    return this.cumulative.figures(partner(p), id, q.year);
  }
}
