import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'guangfo:public';

/** Marks a route as reachable without credentials. Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
