/**
 * Values every feature uses: exact money, billing periods, identifiers, errors and the web
 * conventions of the API. An open module: every feature may use all of it.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package dev.headroom.core;

import org.springframework.modulith.ApplicationModule;
