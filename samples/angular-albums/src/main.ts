import { inject, provideAppInitializer, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AnkurahClient } from './app/ankurah-client';
import { AppComponent } from './app/app.component';

bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    // The node connects before the first render, so services can open live queries in their constructors.
    provideAppInitializer(() => inject(AnkurahClient).start()),
  ],
}).catch((e: unknown) => {
  document.body.textContent = `Could not start: ${e instanceof Error ? e.message : String(e)}`;
});
