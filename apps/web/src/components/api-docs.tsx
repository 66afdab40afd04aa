'use client';

import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';

/** The OpenAPI document of the REST API, with "Try it out" for every operation. */
export function ApiDocs() {
  return (
    <div className="api-docs">
      <SwaggerUI url="/api/openapi.json" tryItOutEnabled />
    </div>
  );
}
