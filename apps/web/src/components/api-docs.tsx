'use client';

import Script from 'next/script';
import { useEffect, useRef, useState } from 'react';

/** What swagger-ui-bundle.js puts on `window`: the whole of Swagger UI. */
type SwaggerUIBundle = (options: {
  url: string;
  domNode: HTMLElement;
  tryItOutEnabled?: boolean;
  deepLinking?: boolean;
}) => unknown;

declare global {
  interface Window {
    SwaggerUIBundle?: SwaggerUIBundle;
  }
}

/**
 * The OpenAPI document of the REST API, with "Try it out" for every operation: Swagger UI's own
 * prebuilt bundle (scripts/swagger-assets.mjs copies it into public/), loaded after the page
 * with the request's CSP nonce.
 */
export function ApiDocs({ nonce }: { nonce?: string }) {
  const target = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    const bundle = window.SwaggerUIBundle;
    if (!loaded || !bundle || !target.current) return;
    bundle({
      url: '/api/openapi.json',
      domNode: target.current,
      tryItOutEnabled: true,
      deepLinking: false,
    });
  }, [loaded]);

  return (
    <>
      <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" precedence="default" />
      <Script
        src="/vendor/swagger-ui/swagger-ui-bundle.js"
        strategy="afterInteractive"
        nonce={nonce}
        onReady={() => setLoaded(true)}
      />
      <div className="api-docs" ref={target} aria-busy={!loaded} />
    </>
  );
}
