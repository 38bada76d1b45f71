/**
 * zod with `.openapi()`: every API schema imports `z` from here, so one schema validates the
 * request, types the handler and describes the route in the OpenAPI document.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
