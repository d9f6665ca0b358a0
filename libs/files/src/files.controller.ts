import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { INTERCHANGE_HEADERS, type InterchangeRequest, InterchangeSignatureGuard } from '@guangfo/federation';
import { Access, CurrentPrincipal, platformError, type Principal, Public } from '@guangfo/platform';
import { FileStore, type StoredFile } from './file-store.js';
import { FILE_MAX_BYTES } from './media-type.js';

/** What multer's memory storage hands the route (field `file`). */
export interface UploadedFileData {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export class FileUploadedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ example: 1048576 }) sizeBytes: number;
  @ApiProperty({ enum: ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] }) mediaType: string;
  @ApiProperty({ example: '户口簿.pdf' }) fileName: string;
}

/**
 * Multer's memory storage (its default when neither `storage` nor `dest` is given): the file is
 * checked and hashed in memory, then written to PostgreSQL. One file of at most 20 MiB (413
 * beyond), a few small fields; file names are read as UTF-8 (Chinese names).
 */
const UPLOAD = FileInterceptor('file', {
  limits: { fileSize: FILE_MAX_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  defParamCharset: 'utf8',
});

const contentDisposition = (name: string): string =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

const uploadedView = (f: StoredFile): FileUploadedDto => ({
  id: f.fileId,
  sha256: f.sha256,
  sizeBytes: f.sizeBytes,
  mediaType: f.mediaType,
  fileName: f.fileName,
});

const setFileHeaders = (res: Response, f: StoredFile): void => {
  res.setHeader('content-type', f.mediaType);
  res.setHeader('content-length', String(f.sizeBytes));
  res.setHeader('x-guangfo-sha256', f.sha256);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'private, no-store');
};

/** Case materials: upload, and download by the uploader or the city's clerks. See docs/files.md. */
@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FileStore) {}

  @Post()
  @HttpCode(201)
  @Access({ roles: ['resident', 'clerk'] })
  @UseInterceptors(UPLOAD)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'PDF, JPEG, PNG or OFD, at most 20 MiB' } },
    },
  })
  @ApiOperation({ summary: 'Upload a case material (checked by magic bytes; 413 over 20 MiB, 415 for other types)' })
  @ApiCreatedResponse({ type: FileUploadedDto })
  async upload(@UploadedFile() file: UploadedFileData | undefined, @CurrentPrincipal() p: Principal): Promise<FileUploadedDto> {
    if (!file?.buffer) throw platformError('FILE_MISSING', { detail: 'send multipart/form-data with the file in field "file"' });
    const f = await this.files.put({ bytes: file.buffer, fileName: file.originalname, declaredType: file.mimetype, uploadedBy: p });
    return uploadedView(f);
  }

  @Get(':id')
  @Access({ roles: ['resident', 'clerk', 'supervisor'] })
  @ApiOperation({ summary: 'Download a file (the uploader; clerks and supervisors of this city); audited' })
  @ApiOkResponse({ description: 'The bytes, with content-type, content-length, x-guangfo-sha256' })
  async download(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.files.openFor(p, id);
    setFileHeaders(res, file);
    res.setHeader('content-disposition', contentDisposition(file.fileName));
    return new StreamableFile(this.files.stream(file));
  }
}

/** Node-to-node: a peer city fetches a file granted to it (claim check). Authenticated by the city's SM2 request signature. */
@ApiTags('interchange')
@Controller('interchange/files')
@Public()
@UseGuards(InterchangeSignatureGuard)
export class InterchangeFilesController {
  constructor(private readonly files: FileStore) {}

  @Get(':id')
  @ApiOperation({
    summary: 'Peer city nodes only: the bytes of a file granted to the requesting city (see docs/files.md for the signature)',
  })
  @ApiHeader({ name: INTERCHANGE_HEADERS.city, required: true, description: 'Requesting city code' })
  @ApiHeader({ name: INTERCHANGE_HEADERS.keyId, required: true, description: 'Its pinned SM2 key id' })
  @ApiHeader({ name: INTERCHANGE_HEADERS.date, required: true, description: 'ISO 8601; at most 5 minutes away' })
  @ApiHeader({ name: INTERCHANGE_HEADERS.nonce, required: true, description: 'Single use, 16-64 chars' })
  @ApiHeader({ name: INTERCHANGE_HEADERS.signature, required: true, description: 'base64 DER SM2 signature' })
  async fetch(@Param('id') id: string, @Req() req: InterchangeRequest, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.files.openForCity(req.interchangeCity!, id);
    setFileHeaders(res, file);
    res.setHeader('x-guangfo-file-name', encodeURIComponent(file.fileName));
    return new StreamableFile(this.files.stream(file));
  }
}
